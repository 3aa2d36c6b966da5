"""Import of aanbod and activities from spreadsheets in the admin (the open-data issue fills this in)."""
