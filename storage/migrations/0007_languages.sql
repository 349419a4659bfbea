-- The language the bot speaks to each person in (en, ar, ckb, tr). NULL for people who
-- joined before languages: their app's language_code is the guess until they choose.
ALTER TABLE people ADD COLUMN language TEXT;
