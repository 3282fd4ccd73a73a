# Arabic: Django's locale has dates and times but no date-with-time formats, so these fell back to the US
# default ("Dec. 3, 2026, 11:23 p.m."). Day before month, like its DATE_FORMAT, and the Arabic comma.
DATETIME_FORMAT = "j F Y، g:i A"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y، g:i A"
