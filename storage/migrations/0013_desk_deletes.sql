-- The review desk can owe the editors chat a deletion too: a card copy the bot did not
-- know it had posted (sent just before a crash, posted again after it) is deleted when it
-- is pressed, at the chat's pace like every other message the desk sends there.
ALTER TABLE desk_messages ADD COLUMN delete_message_id INTEGER;
