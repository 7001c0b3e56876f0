-- The inbox schema exactly as release 0.1.0 created it (metadata.create_all), postgresql.
CREATE TABLE escalator_inbox (
	id BIGSERIAL NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	dedupe_key VARCHAR(255) NOT NULL, 
	ticket_id BIGINT NOT NULL, 
	payload TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	run_at FLOAT NOT NULL, 
	lease_owner VARCHAR(64), 
	last_error TEXT, 
	result TEXT, 
	created_at FLOAT NOT NULL, 
	updated_at FLOAT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (dedupe_key)
);

CREATE INDEX ix_escalator_inbox_finished ON escalator_inbox (status, updated_at);

CREATE INDEX ix_escalator_inbox_open_due ON escalator_inbox (run_at) WHERE status IN ('pending', 'running');

CREATE INDEX ix_escalator_inbox_open_ticket ON escalator_inbox (ticket_id, id) WHERE status IN ('pending', 'running');
