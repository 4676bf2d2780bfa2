"""Word lists the checks read. Plain data, kept apart so a reviewer can audit them at a glance.

Everything here is lower case; the checks compare lower-cased tokens and look at the original
spelling only where capitals carry meaning (a name is capitalised, the modal "will" is not).
"""

from __future__ import annotations

# Common given names across many languages and regions. A capitalised token from this list is
# a personal name; the board's participants' display names are added per board.
FIRST_NAMES: frozenset[str] = frozenset("""
aaron abby abdul abigail adam adaeze aditi aditya adrian ahmed aidan aiko aisha akira alan alba
albert alejandro alex alexa alexander alexandra alexis alfie ali alice alicia alina alison amanda
amara amelia amir amit amy ana anders andre andrea andrei andrew andy angela angelo anil anita
ann anna anne annie anthony anton antonio anya arjun arman arnav aron arthur arun asha ashley
astrid aubrey audrey ava ayesha barbara beatriz beau becky ben benjamin bernard beth bethany
bianca bjorn blake bogdan boris brad bradley brandon brenda brian bridget brittany bruno bryan
caitlin caleb camila cameron carla carlos carmen caroline carolyn casey catherine cathy cecilia
charles charlie charlotte chen chiara chidi chloe chris christian christina christine christopher
claire clara claudia colin connor conor craig cristina cynthia daisy dan dana daniel daniela
danielle daria dariusz darren dave david davide debbie deborah declan deepak denise dennis derek
diana diego dimitri divya dmitri dominic donna dora dorothy duncan dylan edgar edith eduardo
edward elaine elena eli elias elif elijah elisa elizabeth ella ellen ellie eloise emeka emil
emily emma emre eric erik erin ethan eva evan evelyn ezra fatima felipe felix fernando finn
fiona florian francesca francesco francis freya gabriel gabriela gareth gary gavin george
georgia gerald gina giorgio giovanni giulia gloria gordon greg gregory gustavo hamza hana hannah
hans harold harper harry hassan heather hector helen helena henry hiroshi holly hugo ian ibrahim
igor ines ingrid irene iris isaac isabel isabella isla ivan jacob jacqueline jake james jamie
jan jane janet jared jasmine jason javier jayden jeff jeffrey jen jenna jennifer jenny jeremy
jerome jess jessica jill jin joan joanna joao joe joel johan johanna john johnny jon jonas
jonathan jordan jorge jose joseph josephine josh joshua joyce juan judith julia julian julie
julien justin kai kamal karen karim karin karina kate katherine kathleen kathryn katie katya
kavya keith kelly ken kenji kenneth kevin khalid kim kiran kirsten klaus kofi kris kristen
kumar kyle lakshmi lara laura lauren layla leah leila lena leo leon leonardo liam lila linda
lindsay lisa liu logan lorenzo louis louise luca lucas lucia lucy luis luke lukas luna lydia
magnus maja malik manuel marco marcus margaret maria mariam marie marina mario marta martha
martin mary mateo matt matteo matthew maya megan mehmet mei melissa mia michael michelle miguel
mika mike mila milan min mira miriam mohamed mohammed monica morgan muhammad nadia naledi nancy
naomi natalia natalie nathan neha neil nia nicholas nicole niels nikhil nikita nina noah noor
nora oleg olga oliver olivia omar oscar owen pablo pamela paolo patricia patrick paul paula
pavel pedro peter petra philip phillip pierre pooja priya priyanka rachel rafael rahul raj
rajesh ralph ramon rana randy raphael raquel rebecca reza ricardo richard rita robert roberto
robin rohan roman ronald rosa ruby rui ruth ryan sabrina sadia sakura sally salma sam samantha
samir samuel sana sandra sanjay sara sarah sasha scott sean sebastian selin sergei sergio
seth shane shannon sharon shawn sheila shirin shreya simon simone sofia sonia sophia sophie
stefan stella stephanie stephen steve steven stuart sunil susan suzanne svetlana sven tanya
tara teresa thomas tim timothy tina tobias todd tom tomas tommy tony tracy travis trevor tyler
uma valentina valeria vanessa vera veronica vicky viktor vikram vincent vivian wei wendy
william xavier xin yara yasmin yusuf yuki yuri zach zachary zainab zara zoe zoltan
""".split())

# Names that are also ordinary words (a modal verb, a month, a noun, a verb). They count as a
# name only when capitalised and in the position of a subject, and never in the ordinary uses
# the checks recognise (see `blame._is_name`).
AMBIGUOUS_NAMES: frozenset[str] = frozenset("""
will may bill mark pat grant sue rob jack frank chase joy hope faith june april august art gene
summer dawn rose ray drew wade lance miles dean chip cliff rich ash penny ivy amber crystal page
nick jay sandy grace max guy sage reed rusty bob don sunny autumn brook glen hunter mason cash
chance chuck dale earl herb kay lily melody norm olive pearl rocky sterling stew ted terry
warren wren al ed sky river storm hazel heath jewel victor
""".split())

# Words for people in the role of a subject: roles, pronouns and indefinite people. "users" and
# "customers" are deliberately absent: "customers failed to check out" describes impact.
# "agent", "driver", "controller", "scheduler" and "worker" are absent too: in incident text
# they are usually software.
PERSON_WORDS: frozenset[str] = frozenset("""
i we you he she they me us him them
someone somebody nobody noone everyone everybody anyone anybody whoever
operator operators engineer engineers developer developers dev devs admin admins administrator
administrators sysadmin sysadmins sre sres on-call oncall on-caller on-callers responder
responders intern interns contractor contractors person people staff team teammate teammates
colleague colleagues coworker coworkers co-worker manager managers lead leads reviewer reviewers
approver approvers author tester testers analyst analysts dba dbas nurse nurses doctor doctors
physician physicians pharmacist pharmacists technician technicians tech techs clerk clerks pilot
pilots dispatcher dispatchers supervisor supervisors foreman mechanic mechanics electrician
electricians trainee trainees apprentice newbie newcomer hire hires junior juniors guy guys folks
ops commander coordinator deployer releaser programmer programmers coder coders architect
designer owner owners maintainer maintainers facilitator specialist consultant cashier teller
receptionist surgeon resident attendant crew shift qa trader traders accountant underwriter
radiologist anaesthetist anesthetist paramedic paramedics caregiver carer picker pickers packer
packers welder machinist inspector inspectors auditor courier couriers driver-partner rep reps representative
representatives
""".split())

# Capitalised words that name software, vendors or protocols rather than people, so a sentence
# that starts with one is about a system.
SYSTEM_PROPER: frozenset[str] = frozenset("""
kubernetes k8s terraform postgres postgresql mysql redis kafka rabbitmq nginx envoy istio
jenkins github gitlab datadog pagerduty grafana prometheus slack vault consul helm ansible
puppet chef cloudflare akamai fastly stripe adyen android ios linux windows docker mongodb
elasticsearch cassandra celery airflow spark snowflake bigquery lambda aws gcp azure argo
sentry splunk opsgenie zookeeper etcd haproxy varnish cloudfront route53 okta auth0 twilio
sendgrid shopify heroku vercel netlify openai hadoop hive flink dbt looker tableau sap oracle
salesforce jira confluence teams zoom bamboo circleci travis bitbucket
""".split())

# Tokens the subject search walks over, leftwards from a failure verb: auxiliaries, negation
# and adverbs that sit between a subject and its verb ("Dana then simply forgot").
SKIP_LEFT: frozenset[str] = frozenset("""
not never also then just simply probably apparently clearly obviously had has have was were is
are did does do should could would might must still again already initially first later
eventually completely totally accidentally mistakenly inadvertently unfortunately somehow
actually really both reportedly allegedly likely possibly immediately only even once ever
themselves himself herself myself ourselves keep keeps kept
""".split())

# Words that begin or sit inside a noun phrase before its head.
DETERMINERS: frozenset[str] = frozenset("""
the a an this that these those our their its his her my your some every each all any no
""".split())

PREPOSITIONS: frozenset[str] = frozenset("of on in from at for with behind inside within".split())

# Where a new clause starts: its subject is searched for after this point only.
CLAUSE_WORDS: frozenset[str] = frozenset("""
and but or so because since when while after before until although though whereas once unless
if as where
""".split())

# Verbs of attention and diligence: "did not <verb>" or "failed to <verb>" with one of these is
# a statement about a person even when the subject is left out ("Didn't check the graphs").
HUMAN_VERBS: frozenset[str] = frozenset("""
notice check verify follow read test review look see realize realise escalate communicate ask
tell inform double-check catch spot confirm consider understand warn document heed respond
react acknowledge watch monitor pay listen think remember bother wait coordinate announce
update reply answer
""".split())

# "did not <verb>" with these is not a failure: it reports a state or a fact of the world
# ("we did not have an alert", "the on-call did not receive the page").
NOT_FAILURE_VERBS: frozenset[str] = frozenset("""
have has had know knew receive get got need want expect anticipate mean intend exist appear
happen own hold belong matter require seem reach affect apply lose include contain
""".split())

# Nouns for incidents, for "responsible for the outage".
INCIDENT_NOUNS: frozenset[str] = frozenset("""
outage incident failure breach downtime mistake error problem issue crash loss disruption
""".split())
