# Dates people can't misread: "6 Dec 2026, 14:05", never "12/06/2026" (June or December?) nor
# "2:05 p.m." (a sentence ending after it would print "p.m..").
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
