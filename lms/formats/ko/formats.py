# Django's Korean DATETIME_FORMAT puts 오전/오후 after the time ("3:40 오후");
# Korean writes it before, as Django's own TIME_FORMAT does ("오후 3:40").
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
