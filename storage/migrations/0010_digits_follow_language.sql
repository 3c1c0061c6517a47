-- Digits follow the chat's language (Arabic-Indic in Arabic, Latin in English) unless the
-- chat chose them with /digits: NULL now means "not chosen". Until now every chat was
-- created with 'arabic', English readers included, so only 'latin' can have been a choice.
ALTER TABLE users ADD COLUMN digits_chosen TEXT CHECK (digits_chosen IN ('arabic', 'latin'));
UPDATE users SET digits_chosen = 'latin' WHERE digits = 'latin';
ALTER TABLE users DROP COLUMN digits;
ALTER TABLE users RENAME COLUMN digits_chosen TO digits;
