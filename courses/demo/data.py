"""Demo content: Gwangju's five AI talent tracks, written from the city's 2020
announcement (../shared/seed), in Korean and English, with a few courses each.

Only ``courses.demo.seed`` reads this module.
"""

CATALOGUE = {
    "ko": {
        "title": "광주 AI 인재 양성",
        "intro": (
            "<p>광주광역시는 10년 동안 AI 전문인력 5,150명을 길러 광주를 인공지능 "
            "중심 도시로 만들고자 합니다. 다섯 개 트랙 가운데 나에게 맞는 과정을 "
            "찾아 신청하세요.</p>"
        ),
    },
    "en": {
        "title": "Gwangju AI Talent Pipeline",
        "intro": (
            "<p>Gwangju Metropolitan City aims to train 5,150 AI professionals in ten "
            "years and make the city a hub of artificial intelligence. Find the track "
            "that fits you among the five and join a course.</p>"
        ),
    },
}

PROGRESS = {
    "ko": {
        "title": "인재 양성 현황",
        "slug": "progress",
        "intro": (
            "<p>광주가 AI 전문인력 5,150명 목표에 얼마나 다가왔는지 보여 줍니다. "
            "개인 정보는 없으며, 5명 미만인 수는 “&lt;5”로 표시합니다.</p>"
        ),
    },
    "en": {
        "title": "Pipeline progress",
        "slug": "progress",
        "intro": (
            "<p>How close Gwangju is to its target of 5,150 AI professionals. "
            "No personal data; any count below 5 is shown as “&lt;5”.</p>"
        ),
    },
}

# code, share of the 5,150 (people over ten years), Korean, English
TRACKS = [
    {
        "code": "gist-graduate",
        "target": 300,
        "ko": {
            "title": "GIST AI 대학원",
            "summary": "광주과학기술원(GIST)의 인공지능 석사·박사 과정. 연구와 산업을 "
            "이끌 최고급 AI 인재를 기릅니다.",
            "audience": "이공계 학사 학위가 있거나 취득 예정인 사람, "
            "AI 연구자가 되려는 현직자. 서류와 면접으로 선발합니다.",
            "body": "광주는 AI 클러스터의 연구 기반으로 GIST에 AI 대학원을 열었습니다. "
            "기계학습, 컴퓨터 비전, 자연어 처리, AI 반도체 등을 깊이 공부하고, 광주 "
            "AI 집적단지의 데이터센터와 실증 시설에서 연구합니다.",
        },
        "en": {
            "title": "GIST AI Graduate School",
            "summary": "Master's and doctoral programmes in AI at the Gwangju "
            "Institute of Science and Technology, for researchers who will lead "
            "science and industry.",
            "audience": "Holders (or soon-to-be holders) of a bachelor's degree in "
            "science or engineering, and professionals who want to become AI "
            "researchers. Admission by application and interview.",
            "body": "Gwangju opened an AI graduate school at GIST as the research base "
            "of its AI cluster. Students study machine learning, computer vision, "
            "natural language processing and AI chips in depth, and do research with "
            "the data centre and test beds of Gwangju's integrated AI complex.",
        },
    },
    {
        "code": "military-academy",
        "target": 500,
        "ko": {
            "title": "군 AI 아카데미",
            "summary": "군 복무 중인 장병과 간부가 AI 기초부터 국방 데이터 분석까지 "
            "배우는 과정입니다.",
            "audience": "현역 장병과 군 간부. 소속 부대의 추천을 받아 담당자가 자격을 "
            "확인한 뒤 초대합니다.",
            "body": "군 AI 아카데미는 복무 기간을 AI 역량을 쌓는 시간으로 바꿉니다. "
            "파이썬과 데이터 분석, 영상 인식, 국방 분야 AI 활용을 배우고 전역 뒤 AI "
            "산업으로 이어지는 길을 엽니다.",
        },
        "en": {
            "title": "Military AI Academy",
            "summary": "Service members and officers learn AI from the basics to the "
            "analysis of defence data.",
            "audience": "Serving soldiers and officers, recommended by their unit; "
            "staff check eligibility and send an invitation.",
            "body": "The Military AI Academy turns the time of service into time to "
            "build AI skills: Python and data analysis, image recognition and AI in "
            "defence, opening a path into the AI industry after discharge.",
        },
    },
    {
        "code": "university-convergence",
        "target": 1350,
        "ko": {
            "title": "대학 AI 융합 과정",
            "summary": "광주 지역 대학이 함께 운영하는 학기제 AI 융합 교과목. 전공과 "
            "AI를 잇습니다.",
            "audience": "광주·전남 협력 대학의 재학생. 전공과 학년에 상관없이 들을 수 "
            "있습니다.",
            "body": "대학 AI 융합 과정은 경영, 의료, 에너지, 자동차 등 각 전공에 AI를 "
            "더합니다. 협력 대학 학생은 학점 교류로 다른 대학의 과목도 들을 수 "
            "있습니다.",
        },
        "en": {
            "title": "University AI Convergence Courses",
            "summary": "Semester courses run together by Gwangju's universities, "
            "bringing AI into every major.",
            "audience": "Students of the partner universities in Gwangju and South "
            "Jeolla, whatever their major and year.",
            "body": "The convergence courses add AI to business, medicine, energy, "
            "automotive engineering and other majors. Students of partner universities "
            "can take courses at another university through credit exchange.",
        },
    },
    {
        "code": "vocational",
        "target": 1500,
        "ko": {
            "title": "AI 융합 직업 훈련",
            "summary": "재직자와 구직자를 위한 단기 실무 과정. 현장에서 바로 쓰는 AI "
            "기술을 익힙니다.",
            "audience": "AI를 업무에 쓰려는 재직자, AI 분야로 취업하려는 구직자. "
            "먼저 신청한 순서로 등록됩니다.",
            "body": "AI 융합 직업 훈련은 광주의 AI 기업과 함께 만든 실무 과정입니다. "
            "데이터 수집과 가공, 모델 학습, 서비스 배포까지 프로젝트로 배우고 기업 "
            "연계 채용으로 이어집니다.",
        },
        "en": {
            "title": "Vocational AI Convergence Training",
            "summary": "Short, job-oriented courses for workers and job seekers: AI "
            "skills to use at work right away.",
            "audience": "Workers who want to use AI in their job and job seekers "
            "aiming at AI roles. First come, first served.",
            "body": "The vocational training is built with Gwangju's AI companies: "
            "data collection and preparation, model training and deployment, learned "
            "through projects that lead to hiring by partner companies.",
        },
    },
    {
        "code": "camp",
        "target": 1500,
        "ko": {
            "title": "AI 체험·학습 캠프",
            "summary": "시민과 학생 누구나 며칠 동안 AI를 직접 만들어 보는 캠프입니다.",
            "audience": "광주 시민, 초·중·고 학생과 보호자, 교사. 사전 지식이 필요 "
            "없습니다.",
            "body": "AI 캠프는 시민이 참여하는 AI 도시를 향한 첫걸음입니다. 생활 속 "
            "문제를 AI로 풀어 보고, 데이터 기부와 AI 윤리를 함께 이야기합니다.",
        },
        "en": {
            "title": "AI Learning and Experience Camps",
            "summary": "Days-long camps where citizens and students build AI with "
            "their own hands.",
            "audience": "Citizens of Gwangju, school students with their parents, and "
            "teachers. No prior knowledge needed.",
            "body": "The camps are the first step toward an AI city built with its "
            "citizens: solving everyday problems with AI, and talking about data "
            "donation and AI ethics together.",
        },
    },
]

INSTITUTIONS = [
    ("gist", "광주과학기술원", "Gwangju Institute of Science and Technology"),
    ("military-ai", "군 AI 아카데미 운영단", "Military AI Academy Office"),
    ("jnu", "전남대학교", "Chonnam National University"),
    ("chosun", "조선대학교", "Chosun University"),
    ("ai-academy", "광주 인공지능 사관학교", "Gwangju AI Academy"),
    (
        "gicon",
        "광주정보문화산업진흥원",
        "Gwangju Information & Culture Industry Agency",
    ),
]

# institution → the codes of the pages whose subtrees its staff and instructors
# edit: the track it runs alone, or, in the universities' shared track, its courses
# there (the track page would hand one university the other's course).
CATALOGUE_PAGES = {
    "gist": ["gist-graduate"],
    "military-ai": ["military-academy"],
    "jnu": ["ai-for-all", "energy-ai"],
    "chosun": ["medical-ai"],
    "ai-academy": ["vocational"],
    "gicon": ["camp"],
}

PROGRAMME = {
    "name": "광주 AI 인재 5,150명 양성",
    "total_target": 5150,
    "start_year": 2020,
    "end_year": 2029,
}

# Scores (out of 10) of the three people who passed each past cohort: all at or
# above the default pass mark of 60 %, so the completion rule issues theirs.
ALUMNI_SCORES = (9, 8, 7)
