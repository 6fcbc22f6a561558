# Only what Django's Russian formats get wrong: a day and month read "17 октября"
# (genitive, the month's alternative name), not "17 Октябрь".
MONTH_DAY_FORMAT = "j E"
