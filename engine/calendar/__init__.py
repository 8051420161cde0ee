"""The running calendar: expanding entries into dated runs, flag syntax, iCalendar in and out."""
