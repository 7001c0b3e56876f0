"""Ticket forms and views for FakeAdmin, as Zendesk's API documents them (shared/reference/zendesk-oas).

Forms: `ticket_field_ids` sent replace the form's list, each id must be a field (422
otherwise). Views are written with `all`, `any` and `output` and read back with
`conditions` and `execution`; a new view needs an `all` condition on status, type,
group_id, assignee_id or requester_id, at most 10 columns, and groups and sorts by one of
them (422 otherwise); without `restriction` it is shared with every agent.
"""

import copy
import itertools

from support.fake_shapes import invalid, not_found

VIEW_ANCHORS = {"status", "type", "group_id", "assignee_id", "requester_id"}
COLUMNS = {
    "assigned",
    "assignee",
    "due_date",
    "group",
    "nice_id",
    "updated",
    "updated_assignee",
    "updated_requester",
    "updated_by_type",
    "organization",
    "priority",
    "created",
    "requester",
    "locale_id",
    "satisfaction_score",
    "solved",
    "status",
    "description",
    "submitter",
    "ticket_form",
    "type",
    "brand",
    "custom_status_id",
}
NOT_GROUPED = {"description", "submitter", "custom_status_id"}


class FormsAndViews:
    """The routes; the fake holds `forms` (a list), `views` and `fields` (dicts by id)."""

    forms: list
    fields: dict

    def forms_and_views(self, views=()) -> list:
        """Keep these views; the routes to add to the fake's."""
        self.views = {v["id"]: copy.deepcopy(v) for v in views}
        self._view_ids = itertools.count(7000000500)
        return [
            ("PUT", r"/api/v2/ticket_forms/(\d+)\.json", self._update_form),
            ("GET", r"/api/v2/views/search\.json", self._search_views),
            ("POST", r"/api/v2/views\.json", self._create_view),
            ("PUT", r"/api/v2/views/(\d+)\.json", self._update_view),
            ("DELETE", r"/api/v2/views/(\d+)\.json", self._delete_view),
        ]

    def _update_form(self, fake, query, body, form_id):
        form = next((f for f in self.forms if f["id"] == int(form_id)), None)
        if form is None:
            return not_found()
        ids = body["ticket_form"].get("ticket_field_ids", form.get("ticket_field_ids"))
        unknown = [i for i in ids or [] if i not in self.fields]
        if unknown:
            return invalid("ticket_field_ids", f"Ticket field ids: {unknown[0]} is not a ticket field")
        form.update(body["ticket_form"])
        return 200, {"ticket_form": copy.deepcopy(form)}

    def _search_views(self, fake, query, body):
        words = query["query"].lower()
        found = [v for v in self.views.values() if words in v["title"].lower()]
        return 200, {"views": copy.deepcopy(found), "next_page": None, "previous_page": None, "count": len(found)}

    def _create_view(self, fake, query, body):
        view = body["view"]
        problem = self._view_problem(view)
        if problem:
            return problem
        stored = {
            "id": next(self._view_ids),
            "position": len(self.views),
            "restriction": view.get("restriction"),
            "default": False,
        }
        self.views[stored["id"]] = self._written(stored, view)
        return 200, {"view": copy.deepcopy(stored)}

    def _update_view(self, fake, query, body, view_id):
        stored = self.views.get(int(view_id))
        if stored is None:
            return not_found()
        problem = self._view_problem({"title": stored["title"], "all": stored["conditions"]["all"], **body["view"]})
        if problem:
            return problem
        return 200, {"view": copy.deepcopy(self._written(stored, body["view"]))}

    def _delete_view(self, fake, query, body, view_id):
        if self.views.pop(int(view_id), None) is None:
            return not_found()
        return 204, {}

    def _view_problem(self, view: dict):
        if not view.get("title"):
            return invalid("title", "Title: cannot be blank")
        if not any(c.get("field") in VIEW_ANCHORS for c in view.get("all") or []):
            return invalid("base", "All conditions: must check status, type, group, assignee or requester")
        output = view.get("output") or {}
        columns = [str(c) for c in output.get("columns") or []]
        if len(columns) > 10:
            return invalid("output", "Columns: at most 10")
        known = COLUMNS | {str(i) for i in self.fields}
        for column in columns + [str(output[k]) for k in ("group_by", "sort_by") if output.get(k) is not None]:
            if column not in known:
                return invalid("output", f"Columns: {column} is not a column")
        for key in ("group_by", "sort_by"):
            if output.get(key) is not None and (str(output[key]) not in columns or output[key] in NOT_GROUPED):
                return invalid("output", f"{key}: {output[key]} cannot be used")
        return None

    def _written(self, stored: dict, view: dict) -> dict:
        """Store a view as written (all, any, output) the way Zendesk reads it back (conditions, execution)."""
        stored.update({k: view[k] for k in ("title", "description", "active") if k in view})
        if "all" in view or "any" in view:
            stored["conditions"] = {"all": view.get("all") or [], "any": view.get("any") or []}
        if "output" in view:
            output = view["output"]
            titles = {f["id"]: f["title"] for f in self.fields.values()}
            stored["execution"] = {
                "columns": [
                    {"id": c, "title": titles.get(c, str(c).replace("_", " ").capitalize())}
                    for c in output.get("columns") or []
                ],
                "group_by": output.get("group_by"),
                "group_order": output.get("group_order"),
                "sort_by": output.get("sort_by"),
                "sort_order": output.get("sort_order"),
                "group": {"id": output.get("group_by"), "order": output.get("group_order")},
                "sort": {"id": output.get("sort_by"), "order": output.get("sort_order")},
            }
        return stored
