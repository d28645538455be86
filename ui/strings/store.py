"""Strings about the database itself: locked by another server, read-only, failed."""

STRINGS = {
    "store.error.locked": {
        "en": "The database is open in another dashboard server. Stop the other server, or start this one "
              "read-only (set CVD_READ_ONLY=1) when no server writes to the database.",
        "zh": "数据库已被另一个仪表板服务器打开。请停止另一个服务器；或者在没有服务器写入数据库时，"
              "以只读方式启动本服务器（设置 CVD_READ_ONLY=1）。",
    },
    "store.error.locked_command": {
        "en": "The dashboard server has the database open for writing. Stop the server, run this command, "
              "then start the server again.",
        "zh": "仪表板服务器正以可写方式打开数据库。请先停止服务器，运行此命令，然后重新启动服务器。",
    },
    "store.error.locked_viewer": {
        "en": "The database is open for writing in another dashboard server, and a read-only server cannot "
              "open it meanwhile. Use that server, or stop it and start the read-only ones.",
        "zh": "数据库正被另一个仪表板服务器以可写方式打开，只读服务器在此期间无法打开它。"
              "请使用那个服务器，或将其停止后再启动只读服务器。",
    },
    "store.error.missing": {
        "en": "This server is read-only and there is no database yet. Start a server without CVD_READ_ONLY "
              "once to create it.",
        "zh": "本服务器为只读模式，而数据库尚不存在。请先以非只读方式启动一次服务器以创建数据库。",
    },
    "store.error.needs_upgrade": {
        "en": "The database was written by an older version of the dashboard. Start a server without "
              "CVD_READ_ONLY once to upgrade it; read-only servers cannot.",
        "zh": "数据库由旧版本的仪表板写入。请先以非只读方式启动一次服务器完成升级；只读服务器无法升级数据库。",
    },
    "store.error.unopenable": {
        "en": "The database cannot be opened. Restart the dashboard server; if this message stays, keep a copy "
              "of the data folder and ask your administrator.",
        "zh": "无法打开数据库。请重新启动仪表板服务器；如果此提示仍然出现，请备份数据文件夹并联系管理员。",
    },
    "store.error.fatal": {
        "en": "The database stopped after an internal error and has been reopened. Everything committed before "
              "is kept. Reload the page to continue.",
        "zh": "数据库因内部错误而停止，现已重新打开。此前已提交的数据均已保留。请刷新页面继续。",
    },
    "store.error.read_only": {
        "en": "This server is read-only (CVD_READ_ONLY): nothing can be changed here.",
        "zh": "本服务器为只读模式（CVD_READ_ONLY）：此处无法进行任何更改。",
    },
    "store.read_only_notice": {
        "en": "Read-only server: charts and exports work; uploads and saved settings are switched off.",
        "zh": "只读服务器：图表和导出可用；上传和保存设置已关闭。",
    },
    "store.empty": {
        "en": "The database holds no dataset yet.",
        "zh": "数据库中还没有任何数据集。",
    },
}
