-- Who created a confidential record (a clue's reporter): staff read the
-- clues they filed and no others. Set on the first change of a record of a
-- confidential kind; NULL for every other record.
ALTER TABLE records ADD COLUMN author_id TEXT;
UPDATE records SET author_id = (
    SELECT c.author_id FROM changes c WHERE c.record_id = records.id ORDER BY c.seq LIMIT 1
) WHERE kind = 'clue';
