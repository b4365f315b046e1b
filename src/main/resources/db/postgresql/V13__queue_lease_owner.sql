-- Which run of which node holds a recipient's lease (see db/sqlite/V13).
ALTER TABLE queue_recipients ADD COLUMN lease_owner text;
