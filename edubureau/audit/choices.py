from django.db import models


class LoginEventKind(models.TextChoices):
    SUCCESS = "success", "登录成功"
    FAILURE = "failure", "密码错误"
    UNKNOWN_USER = "unknown_user", "账号不存在"
    INACTIVE = "inactive", "账号已停用"
    LOCKED = "locked", "锁定期间尝试登录"
    UNLOCK = "unlock", "管理员解锁"
    LOGOUT = "logout", "退出登录"
    TIMEOUT = "timeout", "超时退出"


FAILURE_KINDS = (LoginEventKind.FAILURE, LoginEventKind.UNKNOWN_USER, LoginEventKind.INACTIVE)
