"""The demo's courses, track by track, in Korean and English."""

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
