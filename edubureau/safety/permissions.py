"""The permission codes of the hazard ledger and which built-in roles get them (migration 0003)."""

VIEW = "safety.hazard.view"
REPORT = "safety.hazard.report"
RECTIFY = "safety.hazard.rectify"
VERIFY = "safety.hazard.verify"
SUPERVISE = "safety.hazard.supervise"
IMPORT = "safety.hazard.import"
CONFIG = "safety.config"

PERMISSIONS = (
    (VIEW, "查看安全隐患台账"),
    (REPORT, "登记安全隐患"),
    (RECTIFY, "整改安全隐患"),
    (VERIFY, "复核销号安全隐患"),
    (SUPERVISE, "重大隐患挂牌督办"),
    (IMPORT, "导入安全隐患"),
    (CONFIG, "维护隐患类别（全县配置）"),
)

ROLE_GRANTS = {
    "school_admin": [VIEW, REPORT, RECTIFY, VERIFY, IMPORT],
    "safety_officer": [VIEW, REPORT, RECTIFY, VERIFY, IMPORT],
    "department_staff": [VIEW, REPORT, VERIFY, SUPERVISE, IMPORT],
    "leader": [VIEW, SUPERVISE],
    "supervisor": [VIEW, REPORT],
    "system_admin": [VIEW, CONFIG],
}
