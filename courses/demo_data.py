"""Demo content: Gwangju's five AI talent tracks, written from the city's 2020
announcement (../shared/seed), in Korean and English, with a few courses each.

Only ``courses.services.demo`` reads this module.
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

# track code → courses: code, level, hours, format, language, institution, mode,
# seats, ko (title, summary), en (title, summary), modules [(ko, en, hours)]
COURSES = {
    "gist-graduate": [
        {
            "code": "ml-foundations",
            "level": "advanced",
            "hours": 45,
            "format": "onsite",
            "language": "ko-en",
            "institution": "gist",
            "mode": "approval",
            "seats": 30,
            "ko": (
                "기계학습 기초 이론",
                "확률, 최적화, 일반화 이론으로 기계학습을 수학적으로 이해합니다.",
            ),
            "en": (
                "Foundations of Machine Learning",
                "Machine learning through "
                "probability, optimisation and generalisation theory.",
            ),
            "modules": [
                ("확률과 통계 복습", "Probability and statistics refresher", 6),
                ("선형 모델과 최적화", "Linear models and optimisation", 12),
                ("일반화와 정규화", "Generalisation and regularisation", 12),
                ("신경망 이론", "Theory of neural networks", 15),
            ],
        },
        {
            "code": "deep-vision",
            "level": "advanced",
            "hours": 45,
            "format": "onsite",
            "language": "en",
            "institution": "gist",
            "mode": "approval",
            "seats": 25,
            "ko": (
                "딥러닝 컴퓨터 비전",
                "합성곱 신경망부터 트랜스포머까지, 영상 "
                "인식 연구의 최신 방법을 다룹니다.",
            ),
            "en": (
                "Deep Learning for Computer Vision",
                "From convolutional "
                "networks to transformers: current methods of visual recognition "
                "research.",
            ),
            "modules": [
                ("합성곱 신경망", "Convolutional networks", 15),
                ("비전 트랜스포머", "Vision transformers", 15),
                ("연구 프로젝트", "Research project", 15),
            ],
        },
    ],
    "military-academy": [
        {
            "code": "defence-python",
            "level": "beginner",
            "hours": 40,
            "format": "hybrid",
            "language": "ko",
            "institution": "military-ai",
            "mode": "invitation",
            "seats": 40,
            "ko": (
                "장병을 위한 파이썬과 데이터",
                "파이썬 기초부터 표 데이터 분석까지 복무 중에 배웁니다.",
            ),
            "en": (
                "Python and Data for Service Members",
                "From Python basics to analysing tabular data, during service.",
            ),
            "modules": [
                ("파이썬 기초", "Python basics", 12),
                ("pandas로 데이터 다루기", "Data with pandas", 14),
                ("시각화와 보고", "Visualisation and reporting", 14),
            ],
        },
        {
            "code": "defence-vision",
            "level": "intermediate",
            "hours": 60,
            "format": "onsite",
            "language": "ko",
            "institution": "military-ai",
            "mode": "invitation",
            "seats": 30,
            "ko": (
                "국방 영상 인식 실무",
                "위성·드론 영상에서 객체를 찾는 모델을 만들고 평가합니다.",
            ),
            "en": (
                "Image Recognition for Defence",
                "Build and evaluate models that "
                "find objects in satellite and drone images.",
            ),
            "modules": [
                ("영상 데이터와 라벨링", "Image data and labelling", 20),
                ("객체 탐지 모델", "Object detection models", 25),
                ("평가와 배치", "Evaluation and deployment", 15),
            ],
        },
    ],
    "university-convergence": [
        {
            "code": "ai-for-all",
            "level": "beginner",
            "hours": 45,
            "format": "hybrid",
            "language": "ko",
            "institution": "jnu",
            "mode": "open",
            "seats": 60,
            "ko": (
                "모든 전공을 위한 인공지능",
                "코딩 경험이 없어도 AI의 원리를 이해하고 전공 문제에 적용해 봅니다.",
            ),
            "en": (
                "AI for Every Major",
                "Understand how AI works and apply it to a "
                "problem of your major, no coding experience needed.",
            ),
            "modules": [
                ("AI란 무엇인가", "What AI is", 9),
                ("데이터와 학습", "Data and learning", 18),
                ("전공 융합 프로젝트", "Convergence project in your major", 18),
            ],
        },
        {
            "code": "medical-ai",
            "level": "intermediate",
            "hours": 45,
            "format": "onsite",
            "language": "ko",
            "institution": "chosun",
            "mode": "open",
            "seats": 2,
            "ko": (
                "의료 AI 융합",
                "의료 영상과 임상 데이터로 진단을 돕는 모델을 만듭니다.",
            ),
            "en": (
                "AI in Medicine",
                "Build models that support diagnosis from "
                "medical images and clinical data.",
            ),
            "modules": [
                ("의료 데이터와 윤리", "Medical data and ethics", 9),
                ("의료 영상 분석", "Medical image analysis", 18),
                ("임상 예측 모델", "Clinical prediction models", 18),
            ],
        },
        {
            "code": "energy-ai",
            "level": "intermediate",
            "hours": 45,
            "format": "online",
            "language": "en",
            "institution": "jnu",
            "mode": "open",
            "seats": 40,
            "ko": (
                "에너지 AI",
                "전력 수요 예측과 설비 이상 탐지를 시계열 모델로 다룹니다.",
            ),
            "en": (
                "AI for Energy",
                "Forecast power demand and detect equipment "
                "faults with time-series models.",
            ),
            "modules": [
                ("시계열 기초", "Time-series basics", 15),
                ("수요 예측", "Demand forecasting", 15),
                ("이상 탐지", "Anomaly detection", 15),
            ],
        },
    ],
    "vocational": [
        {
            "code": "data-engineering",
            "level": "beginner",
            "hours": 120,
            "format": "onsite",
            "language": "ko",
            "institution": "ai-academy",
            "mode": "open",
            "seats": 35,
            "ko": (
                "AI 데이터 엔지니어링 실무",
                "데이터 수집, 정제, 파이프라인 구축을 실제 기업 과제로 배웁니다.",
            ),
            "en": (
                "Applied Data Engineering for AI",
                "Collect, clean and pipeline data on real company assignments.",
            ),
            "modules": [
                ("SQL과 데이터 모델링", "SQL and data modelling", 40),
                ("데이터 파이프라인", "Data pipelines", 40),
                ("기업 연계 프로젝트", "Company project", 40),
            ],
        },
        {
            "code": "mlops",
            "level": "intermediate",
            "hours": 80,
            "format": "hybrid",
            "language": "ko",
            "institution": "ai-academy",
            "mode": "open",
            "seats": 30,
            "ko": (
                "MLOps: 모델을 서비스로",
                "학습한 모델을 배포하고 모니터링하는 방법을 익힙니다.",
            ),
            "en": (
                "MLOps: From Model to Service",
                "Deploy trained models and monitor them in production.",
            ),
            "modules": [
                ("모델 패키징", "Packaging models", 20),
                ("배포와 API", "Deployment and APIs", 30),
                ("모니터링", "Monitoring", 30),
            ],
        },
    ],
    "camp": [
        {
            "code": "family-ai-camp",
            "level": "beginner",
            "hours": 12,
            "format": "onsite",
            "language": "ko",
            "institution": "gicon",
            "mode": "open",
            "seats": 120,
            "ko": (
                "가족 AI 캠프",
                "부모와 아이가 함께 이미지 분류 AI를 만들어 봅니다.",
            ),
            "en": (
                "Family AI Camp",
                "Parents and children build an image classifier together.",
            ),
            "modules": [
                ("첫째 날: AI와 놀기", "Day 1: playing with AI", 6),
                ("둘째 날: 우리 가족 AI 만들기", "Day 2: our family's AI", 6),
            ],
        },
        {
            "code": "citizen-ai-lab",
            "level": "beginner",
            "hours": 16,
            "format": "onsite",
            "language": "ko",
            "institution": "gicon",
            "mode": "open",
            "seats": 80,
            "ko": (
                "시민 AI 문제 해결 랩",
                "동네의 생활 문제를 데이터와 AI로 풀어 보는 시민 참여 캠프입니다.",
            ),
            "en": (
                "Citizen AI Problem-Solving Lab",
                "A camp where citizens tackle neighbourhood problems with data and AI.",
            ),
            "modules": [
                (
                    "문제 찾기와 데이터 모으기",
                    "Finding problems and collecting data",
                    8,
                ),
                ("AI로 해결책 만들기", "Building a solution with AI", 8),
            ],
        },
    ],
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
