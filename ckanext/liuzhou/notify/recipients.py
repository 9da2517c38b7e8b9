"""Who is mailed about an event: the admins, with an e-mail address, of each department it
notifies."""
from __future__ import annotations

import ckan.model as model


def recipients(names: list[str], exclude: str | None = None) -> list[tuple[str, model.User]]:
    """(department title, admin) for the active admins with an e-mail address of each named
    department; ``exclude`` (a user id: the one who acted) is left out."""
    if not names:
        return []
    rows = (model.Session.query(model.Group.title, model.Group.name, model.User)
            .join(model.Member, model.Member.group_id == model.Group.id)
            .join(model.User, model.User.id == model.Member.table_id)
            .filter(model.Group.name.in_(names), model.Group.is_organization.is_(True),
                    model.Group.state == "active", model.Member.table_name == "user",
                    model.Member.state == "active", model.Member.capacity == "admin",
                    model.User.state == "active", model.User.email.isnot(None), model.User.email != "")
            .order_by(model.Group.name, model.User.name))
    return [(title or name, user) for title, name, user in rows if user.id != exclude]
