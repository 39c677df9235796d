"""The default information channels (信息来源) a walk-in or caller is asked about.

They are store settings afterwards: a store adds or retires channels as it likes.
"""

from frontdesk.store import dialect

CHANNELS = [
    "网络",
    "电视",
    "广播",
    "报纸杂志",
    "户外广告",
    "朋友介绍",
    "老客户",
    "车展/活动",
    "路过",
    "其他",
]


def up(migrator, db):
    for position, name in enumerate(CHANNELS, start=1):
        dialect.run(
            db,
            'INSERT OR IGNORE INTO "code_item" ("kind", "name", "position", "active") '
            "VALUES ('channel', ?, ?, 1)",
            (name, position),
        )
