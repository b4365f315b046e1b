-- Which run of which node holds a recipient's lease (store.LeaseOwner, "node/run"), beside locked_until:
-- a node starting frees only its own earlier runs' leases, and records only what it still holds.
-- NULL = nobody (never claimed, or recorded).
ALTER TABLE queue_recipients ADD COLUMN lease_owner TEXT;
