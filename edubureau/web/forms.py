from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(
        label="登录账号",
        max_length=150,
        error_messages={"required": "请输入登录账号。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "placeholder": "请输入登录账号"}
        ),
    )
    password = forms.CharField(
        label="密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请输入密码。"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "placeholder": "请输入密码"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请输入原密码。"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label="新密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请输入新密码。"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_confirm = forms.CharField(
        label="确认新密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请再次输入新密码。"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        new, confirm = data.get("new_password"), data.get("new_password_confirm")
        if new and confirm and new != confirm:
            self.add_error("new_password_confirm", "两次输入的新密码不一致。")
        return data
