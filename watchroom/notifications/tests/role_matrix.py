from watchroom.notifications.tests.factories import make_notification
from watchroom.testing.matrix import Case, everyone


def _operators(w):
    return [make_notification(w.users["operator"], url="/notifications/").pk]


CASES = [
    Case("notifications:list", expect=everyone(200)),
    Case("notifications:open", expect={"operator": 302}, default=404, outsider=404, args=_operators),
    Case("notifications:mark_all_read", method="post", expect=everyone(302)),
    Case("notifications:unread", expect=everyone(200), anonymous=401),
    Case("notification-list", expect=everyone(200)),
    Case("notification-detail", expect={"operator": 200}, default=404, outsider=404, args=_operators),
    Case(
        "notification-read",
        method="post",
        expect={"operator": 200},
        default=404,
        outsider=404,
        args=_operators,
    ),
]
