# nbgrader in the labs: the exchange is the LMS, over HTTP (docs/exchange-api.md).
#
# Installed as <lab environment>/etc/jupyter/nbgrader_config.py, with the
# lms_exchange package in that environment's site-packages. Every lab reads
#   LMS_EXCHANGE_URL      the LMS's exchange API (set by the hub)
#   JUPYTERHUB_API_TOKEN  the lab's own hub token (set by the hub): the LMS asks
#                         the hub whose it is, so a learner acts only as themselves
# Assignments live in ~/<course_id>/<assignment_id>/ (nbgrader's
# path_includes_course layout, always on: a learner may be in several courses).
c = get_config()  # noqa: F821

c.ExchangeFactory.exchange = "lms_exchange.LMSExchange"
c.ExchangeFactory.fetch_assignment = "lms_exchange.LMSFetchAssignment"
c.ExchangeFactory.fetch_feedback = "lms_exchange.LMSFetchFeedback"
c.ExchangeFactory.submit = "lms_exchange.LMSSubmit"
c.ExchangeFactory.list = "lms_exchange.LMSList"
# Instructors release, collect and release feedback in the LMS: these refuse
# with the address of its admin.
c.ExchangeFactory.release_assignment = "lms_exchange.LMSReleaseAssignment"
c.ExchangeFactory.release_feedback = "lms_exchange.LMSReleaseFeedback"
c.ExchangeFactory.collect = "lms_exchange.LMSCollect"

# The defaults, written out to be easy to change (all options: docs/exchange-api.md).
c.LMSExchange.timeout = 30  # seconds to wait for each answer of the LMS
c.LMSExchange.retries = 3  # a submission is retried with the same Idempotency-Key
c.LMSSubmit.max_files = 100  # = the LMS's EXCHANGE_MAX_FILES
c.LMSSubmit.max_upload_bytes = 20 * 2**20  # = the LMS's EXCHANGE_MAX_UPLOAD_MB
