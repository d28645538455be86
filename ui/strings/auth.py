"""Strings about signing in, roles, refusals, the admin page and the shared settings."""

_DENIED = {
    "preset": ("Saving or deleting presets needs the strategist or admin role; you are signed in as {role}.",
               "保存或删除预设需要策略师或管理员角色；您当前的角色是{role}。"),
    "publish": ("Publishing the shared settings needs the strategist or admin role; you are signed in as {role}.",
                "发布共享设置需要策略师或管理员角色；您当前的角色是{role}。"),
    "upload": ("Uploading needs the uploader or admin role; you are signed in as {role}.",
               "上传数据需要上传员或管理员角色；您当前的角色是{role}。"),
    "rename": ("Renaming a dataset needs the uploader or admin role; you are signed in as {role}.",
               "重命名数据集需要上传员或管理员角色；您当前的角色是{role}。"),
    "rollback": ("Rolling back an upload needs the uploader or admin role; you are signed in as {role}.",
                 "撤销上传需要上传员或管理员角色；您当前的角色是{role}。"),
    "delete_dataset": ("Deleting a dataset needs the admin role; you are signed in as {role}.",
                       "删除数据集需要管理员角色；您当前的角色是{role}。"),
    "sources": ("Registering an external source needs the admin role; you are signed in as {role}.",
                "注册外部数据源需要管理员角色；您当前的角色是{role}。"),
    "users": ("Managing users and roles needs the admin role; you are signed in as {role}.",
              "管理用户和角色需要管理员角色；您当前的角色是{role}。"),
    "audit": ("The audit trail is for admins; you are signed in as {role}.",
              "审计记录仅限管理员查看；您当前的角色是{role}。"),
}

STRINGS = {
    "auth.sign_in": {"en": "Sign in", "zh": "登录"},
    "auth.name": {"en": "User name", "zh": "用户名"},
    "auth.password": {"en": "Password", "zh": "密码"},
    "auth.failed": {
        "en": "Sign-in failed: the name or password is wrong, or the account is locked after {count} failed "
              "attempts (for {minutes} minutes).",
        "zh": "登录失败：用户名或密码错误，或账户在连续 {count} 次失败后已被锁定（{minutes} 分钟）。",
    },
    "auth.expired": {
        "en": "Your session ended after {hours} hours. Please sign in again.",
        "zh": "会话已在 {hours} 小时后结束，请重新登录。",
    },
    "auth.no_role": {
        "en": "{email} has no role in this dashboard yet. Ask an admin to map your e-mail or domain to a role.",
        "zh": "{email} 在本仪表板中尚无角色。请联系管理员为您的邮箱或域名分配角色。",
    },
    "auth.or_provider": {"en": "Or sign in with your company account:", "zh": "或使用公司账户登录："},
    "auth.with_provider": {"en": "Sign in with {provider}", "zh": "使用 {provider} 登录"},
    "auth.with_company": {"en": "Sign in with the company account", "zh": "使用公司账户登录"},
    "auth.local_note": {"en": "Local mode: no sign-in.", "zh": "本地模式：无需登录。"},
    "auth.signed_in_as": {"en": "Signed in as {name} ({role})", "zh": "已登录：{name}（{role}）"},
    "auth.sign_out": {"en": "Sign out", "zh": "退出登录"},
    "auth.role.viewer": {"en": "viewer", "zh": "查看者"},
    "auth.role.strategist": {"en": "strategist", "zh": "策略师"},
    "auth.role.uploader": {"en": "uploader", "zh": "上传员"},
    "auth.role.admin": {"en": "admin", "zh": "管理员"},
    **{f"auth.denied.{code}": {"en": en, "zh": zh} for code, (en, zh) in _DENIED.items()},
    "users.error.bad_name": {
        "en": "{name} is not a usable user name: 1 to 60 characters, no spaces.",
        "zh": "{name} 不是可用的用户名：1 至 60 个字符，不含空格。",
    },
    "users.error.short_password": {
        "en": "The password needs at least {length} characters.", "zh": "密码至少需要 {length} 个字符。",
    },
    "users.error.bad_role": {"en": "{name} is not a role.", "zh": "{name} 不是有效角色。"},
    "users.error.exists": {"en": "A user named {name} exists already.", "zh": "已存在名为 {name} 的用户。"},
    "users.error.unknown": {"en": "There is no user named {name}.", "zh": "没有名为 {name} 的用户。"},
    "users.error.last_admin": {
        "en": "{name} is the last admin: add another admin first.", "zh": "{name} 是最后一位管理员：请先添加另一位管理员。",
    },
    "users.error.mismatch": {"en": "The two passwords differ.", "zh": "两次输入的密码不一致。"},
    "nav.admin": {"en": "Admin", "zh": "管理"},
    "admin.tab_users": {"en": "Users", "zh": "用户"},
    "admin.tab_mappings": {"en": "Company sign-in", "zh": "公司账户登录"},
    "admin.tab_audit": {"en": "Audit trail", "zh": "审计记录"},
    "admin.user": {"en": "User", "zh": "用户"},
    "admin.role": {"en": "Role", "zh": "角色"},
    "admin.created": {"en": "Created", "zh": "创建时间"},
    "admin.locked_until": {"en": "Locked until", "zh": "锁定至"},
    "admin.by": {"en": "By", "zh": "操作人"},
    "admin.add_user": {"en": "Add user", "zh": "添加用户"},
    "admin.password_help": {"en": "At least {length} characters.", "zh": "至少 {length} 个字符。"},
    "admin.user_added": {"en": "Added {name}.", "zh": "已添加 {name}。"},
    "admin.change_user": {"en": "Change a user", "zh": "修改用户"},
    "admin.new_password": {"en": "New password", "zh": "新密码"},
    "admin.set_role": {"en": "Set role", "zh": "设置角色"},
    "admin.set_password": {"en": "Set password", "zh": "设置密码"},
    "admin.remove": {"en": "Remove user", "zh": "删除用户"},
    "admin.changed": {"en": "Saved the change for {name}.", "zh": "已保存对 {name} 的更改。"},
    "admin.mapping_help": {
        "en": "Users who sign in with the company's identity provider get the role mapped to their verified "
              "e-mail address, else to its domain; without a mapping they have no access.",
        "zh": "通过公司身份提供方登录的用户，按其已验证邮箱地址（否则按其域名）获得对应角色；没有对应关系的用户无法访问。",
    },
    "admin.pattern": {"en": "E-mail or domain", "zh": "邮箱或域名"},
    "admin.no_access": {"en": "(remove: no access)", "zh": "（删除：无访问权限）"},
    "admin.save_mapping": {"en": "Save mapping", "zh": "保存对应关系"},
    "admin.audit_help": {
        "en": "Every change, newest first (the latest {count} here; the export has all). The trail cannot be "
              "edited from the dashboard.",
        "zh": "所有更改，最新的在前（此处显示最近 {count} 条；导出包含全部）。审计记录无法在仪表板中修改。",
    },
    "admin.audit_export": {"en": "Export the audit trail (CSV)", "zh": "导出审计记录（CSV）"},
    "value.shared": {"en": "Shared settings", "zh": "共享设置"},
    "value.shared_help": {
        "en": "Your sliders are your own scratch set: moving them changes nothing for anyone else. Everyone, "
              "executives included, starts from the shared settings (weights, tier method and cut-offs) until "
              "a strategist publishes new ones.",
        "zh": "滑块是您个人的草稿：调整它们不会影响其他人。所有人（包括管理层）打开仪表板时都从共享设置"
              "（权重、分级方法和分界点）开始，直到策略师发布新的共享设置。",
    },
    "value.shared_publish": {"en": "Publish for everyone", "zh": "发布给所有人"},
    "value.shared_load": {"en": "Back to the shared settings", "zh": "恢复为共享设置"},
    "value.shared_published": {
        "en": "Published: new sessions start from these weights and tiers.",
        "zh": "已发布：新会话将从这些权重和分级开始。",
    },
    "value.shared_loaded": {"en": "The sliders show the shared settings again.", "zh": "滑块已恢复为共享设置。"},
    "shared.thresholds_help": {
        "en": "These thresholds are your own scratch set until you publish them; everyone starts from the "
              "published ones.",
        "zh": "这些阈值在发布前仅对您自己生效；所有人都从已发布的阈值开始。",
    },
    "shared.thresholds_load": {"en": "Back to the shared thresholds", "zh": "恢复为共享阈值"},
    "shared.thresholds_published": {
        "en": "Published: new sessions start from these thresholds.",
        "zh": "已发布：新会话将从这些阈值开始。",
    },
    "shared.thresholds_loaded": {"en": "The inputs show the shared thresholds again.", "zh": "输入已恢复为共享阈值。"},
    "shared.thresholds_invalid": {
        "en": "These thresholds contradict each other; fix them before publishing.",
        "zh": "这些阈值相互矛盾，请先修正再发布。",
    },
}
