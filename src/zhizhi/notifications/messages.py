"""Notifications' words: key → (中文, English)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.my": ("我的诉求", "My appeals"),
    "my.title": ("我的诉求", "My appeals"),
    "my.login_title": ("短信验证码登录", "Sign in with a text-message code"),
    "my.login_intro": (
        "输入提交诉求时留的手机号，我们会发送验证码；登录后可查看该号码提交的全部诉求并评价。",
        "Enter the mobile number you gave with your appeals; we will text you a code. Once signed in "
        "you can see every appeal filed with that number and rate the answers.",
    ),
    "my.phone": ("手机号码", "Mobile number"),
    "my.send_code": ("获取验证码", "Send me a code"),
    "my.code": ("验证码", "Code"),
    "my.code_sent": ("验证码已发送至", "A code was sent to"),
    "my.full_stop": ("。", ". "),
    "my.code_valid": ("5 分钟内有效，只能使用一次。", "It is valid for 5 minutes and works once."),
    "my.demo_code": (
        "演示环境（仅开发模式显示）：本次验证码为",
        "Demo (shown in development mode only): the code is",
    ),
    "my.sign_in": ("登录", "Sign in"),
    "my.account_login": (
        "已注册群众账号？用账号密码登录",
        "Registered citizen's account? Sign in with its password",
    ),
    "my.username": ("账号", "Account"),
    "my.password": ("密码", "Password"),
    "my.other_phone": ("换一个号码", "Use another number"),
    "my.signed_in_as": ("当前号码", "Signed in as"),
    "my.sign_out": ("退出", "Sign out"),
    "my.none": (
        "该号码还没有提交过诉求。",
        "No appeal has been filed with this number yet.",
    ),
    "my.submit_new": ("提交新诉求", "Submit a new appeal"),
    "my.col_number": ("编号", "Number"),
    "my.col_subject": ("诉求", "Appeal"),
    "my.col_status": ("进度", "Status"),
    "my.col_filed": ("提交时间", "Filed"),
    "my.col_due": ("答复期限", "Answer due"),
    "my.rate_now": ("去评价", "Rate it"),
    "my.view": ("查看", "View"),
    "my.messages": ("发给您的短信", "Text messages sent to you"),
    "my.no_messages": ("暂无短信。", "No messages yet."),
    "my.back": ("返回我的诉求", "Back to My appeals"),
    "case.messages": ("短信通知", "Text messages"),
    "admin.templates": ("短信模板", "Message templates"),
    "admin.templates_intro": (
        "每类短信的中文和英文模板；占位符写在花括号中，保存时检查。",
        "The Chinese and English wording of each kind of message; placeholders in braces are "
        "checked when you save.",
    ),
    "admin.template_kind": ("类型", "Kind"),
    "admin.template_zh": ("中文模板", "Chinese wording"),
    "admin.template_en": ("英文模板", "English wording"),
    "admin.placeholders": ("可用占位符", "Placeholders"),
    "admin.customised": ("已修改", "customised"),
    "admin.builtin": ("默认", "built-in"),
    "admin.outbox": ("短信发件箱", "Text-message outbox"),
    "admin.outbox_intro": (
        "最近的短信及其发送状态（号码已脱敏，验证码隐藏）。网关不可用时短信在此等待并按指数退避重试。",
        "The latest messages and their delivery (numbers masked, sign-in codes hidden). While the "
        "gateway is down, messages wait here and are retried with exponential backoff.",
    ),
    "admin.col_kind": ("类型", "Kind"),
    "admin.col_to": ("接收号码", "To"),
    "admin.col_text": ("内容", "Text"),
    "admin.col_case": ("工单", "Case"),
    "admin.col_status": ("状态", "Status"),
    "admin.col_attempts": ("尝试次数", "Attempts"),
    "admin.col_error": ("最近错误", "Last error"),
    "admin.col_created": ("生成时间", "Queued"),
}
