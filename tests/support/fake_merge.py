"""Ticket merges for the fake Zendesk: POST tickets/{id}/merge.json starts a job, job_statuses/{id}.json follows it.

As Zendesk does, the merge is asynchronous: the POST answers a queued job_status;
the job reads "working" for `reads_while_working` reads, then completes (the
target gets the target comment, the sources the source comment and are closed)
or, with `fail`, ends "failed" with a message and changes nothing. Both comments
are private unless the request says otherwise. A job id never started is a 404.
"""

import re

MERGE = re.compile(r"^/api/v2/tickets/(\d+)/merge\.json$")
JOB = re.compile(r"^/api/v2/job_statuses/([\w-]+)\.json$")


class MergeEndpoints:
    """Plugged into FakeZendesk through `endpoints=`."""

    def __init__(self, reads_while_working: int = 1, fail: str | None = None):
        self.reads_while_working, self.fail = reads_while_working, fail
        self.jobs: dict[str, dict] = {}

    def answer(self, fake, method, path, query, body):
        if method == "POST" and (m := MERGE.match(path)):
            return self._start(fake, int(m.group(1)), body or {})
        if method == "GET" and (m := JOB.match(path)):
            return self._read(fake, m.group(1))
        return None

    def _start(self, fake, target: int, body: dict):
        sources = [int(i) for i in body.get("ids") or ()]
        if target not in fake.tickets or not sources or any(s not in fake.tickets for s in sources):
            return 404, {"error": "RecordNotFound", "description": "Not found"}
        job_id = f"job{len(self.jobs) + 1}"
        self.jobs[job_id] = {"target": target, "sources": sources, "body": body, "reads": 0}
        return 200, {"job_status": self._status(job_id, "queued")}

    def _read(self, fake, job_id: str):
        job = self.jobs.get(job_id)
        if job is None:
            return 404, {"error": "RecordNotFound", "description": "Not found"}
        job["reads"] += 1
        if job["reads"] <= self.reads_while_working:
            return 200, {"job_status": self._status(job_id, "working")}
        if self.fail:
            return 200, {"job_status": self._status(job_id, "failed", self.fail)}
        if not job.get("done"):
            body = job["body"]
            fake._append_comment(
                job["target"],
                900000000001,
                body.get("target_comment") or "",
                bool(body.get("target_comment_is_public", False)),
                {"channel": "api"},
            )
            for source in job["sources"]:
                fake._append_comment(
                    source,
                    900000000001,
                    body.get("source_comment") or "",
                    bool(body.get("source_comment_is_public", False)),
                    {"channel": "api"},
                )
                fake._set_status(fake.tickets[source], "closed", 900000000001)
                fake.changed(fake.tickets[source])
            job["done"] = True
        results = [{"id": s, "action": "merge", "status": "Merged", "success": True} for s in job["sources"]]
        return 200, {"job_status": self._status(job_id, "completed", "Completed at now", results)}

    def _status(self, job_id: str, status: str, message: str | None = None, results=None) -> dict:
        return {
            "id": job_id,
            "url": f"https://acme.zendesk.com/api/v2/job_statuses/{job_id}.json",
            "job_type": "TicketMergeJob",
            "total": 1,
            "progress": 1 if status == "completed" else 0,
            "status": status,
            "message": message,
            "results": results,
        }
