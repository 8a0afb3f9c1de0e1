"""Login and the departments / users administration words (key → (中文, English))."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.login": ("工作人员登录", "Staff login"),
    "f.username": ("用户名", "Username"),
    "f.password": ("密码", "Password"),
    "login.title": ("工作人员登录", "Staff login"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "login.oidc": ("统一身份认证登录", "Sign in with the government identity service"),
    "login.oidc.or": ("或使用本地账号登录", "or sign in with a local account"),
    "login.oidc.refused": (
        "统一身份认证登录未通过（校验失败或账号未开通），请重新登录或联系管理员",
        "Sign-in through the identity service was refused (a check failed or the account is not "
        "set up here): try again or ask an administrator",
    ),
    "login.oidc.down": (
        "统一身份认证暂时无法访问，请稍后再试或使用本地账号登录",
        "The identity service cannot be reached: try later or use a local account",
    ),
    "login.oidc.off": ("未配置统一身份认证", "No identity service is configured"),
    "login.citizen": ("群众查看自己的诉求：", "Members of the public, to see your own appeals:"),
    "login.citizen_link": ("我的诉求（短信验证码登录）", "My appeals (sign in with a text-message code)"),
    "admin.departments": ("部门", "Departments"),
    "admin.users": ("用户", "Users"),
    "admin.kind": ("类型", "Kind"),
    "admin.parent": ("上级部门", "Parent"),
    "admin.division": ("行政区划代码", "Division code"),
    "admin.role": ("角色", "Role"),
    "admin.department": ("所属部门", "Department"),
}
