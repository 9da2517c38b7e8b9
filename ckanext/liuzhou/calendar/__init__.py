"""Working days on the Chinese statutory calendar, in Asia/Shanghai (every deadline of the rules)."""
