"""Read the taxpayer's situation from what they wrote: levied, account frozen, lost income, ...

Each situation is a small set of patterns. They look for statements ("they garnished my wages",
"I was laid off"), not questions ("will they garnish my wages?"), which the question reader handles.
"""

from __future__ import annotations

import re
from typing import Dict, List, Pattern, Set

from services.dates import speaks_of_time_ahead
from understanding.questions import is_asking, normalise, sentences
from understanding.situation_classifier import situation_classifier
from understanding.spanish_situations import SITUATIONS as SPANISH_SITUATIONS

SITUATIONS = (
    "levied",
    "bank_frozen",
    "lost_income",
    "fixed_income",
    "already_paid",
    "on_payment_plan",
    "missed_payment",
    "ignored_letters",
    "deadline_passed",
    "selling_home",
    "spouse_caused",
    "business_taxes",
    "state_notice",
)
# Situations that make a case urgent: enforcement is under way or a hearing right is being lost.
URGENT_SITUATIONS = ("levied", "bank_frozen", "deadline_passed")


def _any(*patterns: str) -> Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_STATE_NAMES = (
    r"alabama|arizona|arkansas|california|colorado|connecticut|delaware|georgia|hawaii|idaho|illinois|indiana|iowa|"
    r"kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|"
    r"nebraska|nevada|new jersey|new mexico|new york|north carolina|ohio|oklahoma|oregon|pennsylvania|rhode island|"
    r"south carolina|utah|vermont|virginia|west virginia|wisconsin"
)
_NOT_QUESTION = r"(?<!will they )(?<!can they )(?<!could they )(?<!would they )(?<!to )"
_PATTERNS: Dict[str, Pattern[str]] = {
    "levied": _any(
        _NOT_QUESTION
        + r"\b(?:garnished|levied|seized|garnishing|levying)\b(?! (?:my )?bank)(?! (?:my )?(?:checking|savings|account))",
        r"\b(?:are|is|started|been|already|now)\s+(?:garnish|levy|tak)\w*\s+(?:my|our|his|her)\s+(?:wages?|pay|paychecks?|checks?|social security|benefits)",
        r"\b(?:wage|paycheck)\s+(?:garnishment|levy)\s+(?:started|has started|began|is|was)",
        r"\btook\s+(?:my|our|his|her)\s+(?:wages?|pay|paychecks?|social security|benefits|car|house)",
        r"\btook\s+(?:most|part|half|all|some|a (?:lot|chunk|big chunk)) of\s+(?:my|our|his|her)\s+(?:last\s+|whole\s+)?(?:wages?|pay|paychecks?|checks?)\b",
        r"\b(?:employer|job|hr|payroll)\s+(?:got|received|was sent|has)\s+(?:a|an|the)?\s*(?:levy|garnishment|notice of levy|668)",
        r"\b(?:levy|garnishment)\s+on\s+(?:my|our)\s+(?:wages?|pay|paycheck)",
        r"\b(?:started|are|been|keep|now) taking\b[^.?!]{0,30}\b(?:check|paycheck|pay|wages|salary)\b",
        r"\b668-?w\b",
        r"\b(?:sent|served|gave|mailed)\b[^.?!]{0,25}\b(?:employer|job|work|boss|hr)\b[^.?!]{0,25}\b(?:levy|garnish)",
        r"\b(?:sent|served|issued|mailed)\b[^.?!]{0,30}\b(?:a|an) (?:levy|notice of levy|garnishment)\b",
        r"\bstatement of exemptions\b",
        r"\b(?:employer|job|work|payroll|hr)\b[^.?!]{0,20}\b(?:started |is |are |been |keeps )?(?:taking|withholding|deducting) (?:money|part|half|\$)",
        r"\b(?:irs|they)\s+(?:is |are |r |been |keeps? )?(?:garnish\w*|garnsh\w*|levying|levied)\s+(?:my|our|his|her)\b",
        r"\b(?:wage|paycheck|pay) (?:garnishment|levy) (?:kicked in|started|began|is on)\b",
        r"\b(?:levy|garnishment) on (?:my|our|his|her) (?:social security|ss|benefits|pension)\b",
        r"\b(?:taking|took)\s+(?:like\s+)?(?:\d+\s?%|half|part|a portion)\b[^.?!]{0,20}\b(?:social security|ss|check|chk|paycheck|pay|wages|benefits)\b",
        r"\b(?:short|went to)\b[^.?!]{0,30}\b(?:irs )?(?:garnishment|levy)\b",
        r"\b(?:hr|payroll|employer)\b[^.?!]{0,40}\b(?:sent|got|received|has)\b[^.?!]{0,15}\b(?:wage levy|levy|garnishment)\b",
        r"\btook\s+(?:my|our|his|her)\s+(?:401k|ira|retirement)\b",
        # "now the IRS takes a chunk every month": taking, not a fear of it
        r"\b(?:irs|they)\s+(?:takes|is taking|are taking|keeps? taking|has been taking|have been taking)\s+"
        r"(?:a (?:big )?chunk|part|some|money|\$?\d[\d,]*|\d+\s?%)",
        # "my social security check was short by 15%": the IRS levy on benefits is a share of each payment
        r"\b(?:social security|ss|ssi|ssdi|benefits?)\b[^.?!]{0,20}\b(?:short|less|reduced|cut|docked)\b[^.?!]{0,15}\b\d+ ?%",
    ),
    "bank_frozen": _any(
        r"\b(?:bank|account|checking|savings)\b[^.?!]{0,40}\b(?:frozen|froze|levied|seized|emptied|drained|garnished|on hold|hold on it|locked)\b",
        r"\b(?:froze|frozen|levied|emptied|drained|seized|garnished|cleaned out|took (?:all )?(?:the )?money (?:from|out of))\b[^.?!]{0,30}\b(?:bank|account|checking|savings)\b",
        r"\b(?:account|balance) (?:is |was |went to |down to )?(?:at )?(?:zero|\$0)\b",
        r"\bbank levy\b(?! (?:is|would|will|could))",
        r"\b668-?a\b",
        r"\b(?:put|placed) a hold on (?:my|our|the) (?:account|bank|checking|savings)",
        r"\b(?:took|taken|take out|pulled)\b[^.?!]{0,20}\b(?:from|out of) (?:my |our )?(?:bank|account|checking|savings)\b",
        r"\b(?:levy|hold|notice of levy)\b[^.?!]{0,25}\bon (?:my|our|the) (?:bank )?(?:checking|savings|account|acct|money)\b",
        r"\bacct\b[^.?!]{0,30}\bfrozen\b",
        r"\b(?:drained|froze|emptied) (?:my|our) acct\b",
        r"\b(?:checking|account|acct)\b[^.?!]{0,15}\bgot hit with a levy\b",
        r"\bafter the (?:irs )?levy hit\b",
        r"\btook everything in (?:my|our) (?:checking|savings|account|acct)\b",
    ),
    "lost_income": _any(
        r"\blaid off\b",
        r"\blost (?:my|our|his|her) (?:job|income|work|business)\b",
        r"\bunemployed\b",
        r"\bno (?:income|job|work)\b",
        r"\bout of work\b",
        r"\b(?:got|was|been) fired\b",
        r"\bnot working\b",
        r"\bjob ?less\b",
        r"\bunemployment\b",
        r"\bcan'?t find (?:a )?(?:job|work)\b",
        r"\bno longer (?:working|employed)\b",
        r"\bhours (?:got |were |was )?cut\b",
        r"\bcut (?:my |our )?hours\b",
        r"\bpay cut\b",
        r"\blost (?:my |our )?(?:job|income)\b",
        r"\bbetween jobs\b",
        r"\b(?:got|was|been|were) let go\b",
        r"\bfurlough\w*",
        r"\bout of a job\b",
        r"\blaid (?:me|us|him|her) off\b",
        r"\bhaven'?t had (?:a )?(?:job|work)\b",
        r"\bzero income\b",
        r"\b(?:job|work) ended\b",
        r"\blost (?:my|our|his|her) \w+ job\b",
        r"\bno money coming in\b",
    ),
    "fixed_income": _any(
        r"\b(?:on|only|live on|living on|receive|get|collect|only income is)\s+(?:my\s+|his\s+|her\s+|our\s+|their\s+)?(?:social security|ssi|ssdi|disability)\b",
        r"\bonly income is\b[^.?!]{0,15}\b(?:social security|ss|ssi|ssdi|disability|pension|retirement)\b",
        r"\b(?:social security|ssi|ssdi|a pension|my pension) is (?:all|the only (?:income|money))\b",
        r"\bfixed income\b",
        r"\bdisabled\b",
        r"\bon disability\b",
        r"\bssdi\b",
        r"\bretired\b",
        r"\bonly (?:have|get|receive|collect) (?:my |a |his |her )?(?:social security|pension|ssi|ssdi|disability)\b",
        r"\b(?:only gets?|lives? off|living off|live off)\b[^.?!]{0,25}\b(?:social security|ss|ssi|pension|disability)\b",
        r"\b(?:i|we|he|she|mom|dad) (?:only )?(?:gets?|receives?) (?:a small pension|ss|ssi|va disability|ss disability)\b",
        r"\bretiree\b",
        r"\b(?:ss|ssi|ssdi|va disability|social security)\b[^.?!]{0,25}\b(?:only|and thats it|thats it|and nothing else|alone)\b",
        r"\bon (?:ss|ssi) only\b",
        r"\bonly income is\b[^.?!]{0,30}\b(?:social security|ss|ssi|ssdi|disability|pension)\b",
        # "my social security check was short ... thats my only income"
        r"\b(?:social security|ssi|ssdi|disability|pension)\b.{0,200}\b(?:thats|that is|its|it is) (?:my|our|his|her) "
        r"(?:only|sole) (?:income|money)\b",
    ),
    "already_paid": _any(
        r"\b(?:already|i|we|i've|i have|we have|we've)\s+(?:already\s+)?paid\b(?! (?:nothing|anything|zero|none|\$?0\b))",
        r"\bpaid (?:it|this|that|the (?:balance|bill|amount|full amount|tax)|(?:our|my) (?:balance|bill|tax bill|taxes))(?: off| in full)?\b",
        r"\bpaid in full\b",
        r"\bmade (?:the|a|my) (?:full )?payment\b",
        r"\bsent (?:them )?(?:a )?(?:check|payment)\b",
        r"\b(?:never|didn'?t|did not) appl(?:y|ied) (?:my|our|the) (?:\d{4} )?payments?\b",
        r"\b(?:never|didn'?t|did not|don'?t|doesn'?t) (?:count|credit|apply|include|record|post|show)\w*\b[^.?!]{0,20}\b(?:the |my |our )?(?:\w+ )?payments? (?:i|we) (?:made|sent|mailed)\b",
        r"\b(?:already|i|we)\s+pd\b",
        r"\b(?:check|payment) (?:i|we) (?:mailed|sent|made)\b",
        r"\b(?:cashed|cleared) (?:my |our |the )?check\b",
        r"\bcheck (?:i mailed |we mailed )?cleared\b",
        r"\bmailed (?:a|the|my|our) (?:check|payment)\b",
        r"\b(?:bank|account|statement) shows (?:it|the (?:check|payment)) (?:cleared|went through|was paid)\b",
        r"\b(?:filed and|i|we) paid (?:it )?(?:on time|in full|with (?:my|our|the) return)\b",
        r"\balready sent (?:them|it|the irs)\b",
        r"\bmade (?:my|our|the) (?:estimated )?payments\b",
        r"\bpaid \$?\d[\d,]* (?:of it|already|with|last)\b",
        # "paid off my IRS debt in full", "estimated payments they didnt count"
        r"\bpaid (?:off|up) (?:my|our|the|all|everything|it)\b",
        r"\bpayments?\b[^.?!]{0,25}\b(?:they|the irs|irs) (?:didn'?t|did not|never|forgot to) (?:count|credit|apply|include|post)",
    ),
    "on_payment_plan": _any(
        # said of oneself ("I set up a plan", "we're on an installment agreement"), not asked ("can I get on a plan")
        r"\b(?:i|we|already|i've|we've|i'm|we're|im|ive)\s+(?:already\s+)?(?:have|had|set up|setup|got|signed up for|entered|"
        r"on|in|been on|been in|was on|were on|am on|are on)\s+(?:a|an|the|my|our)?\s*(?:irs\s+)?"
        r"(?:payment plan|installment (?:agreement|plan)|monthly payment plan)",
        r"\b(?:my|our) (?:irs )?(?:payment plan|installment (?:agreement|plan))\b(?! (?:request|application))",
        r"\bmaking (?:monthly )?payments\b",
        r"\b(?:payments?|paid)\b[^.?!]{0,20}\bon (?:my|our) (?:payment )?plan\b",
        r"\bpaying (?:them )?(?:monthly|every month|\$\s?\d+ a month)\b",
        # "I'm on a $450/month installment agreement"
        r"\b(?:i'?m|im|we'?re|been|currently|already)\s+(?:on|in|paying on)\s+(?:a|an|my|our|the)?\s*(?:[\w$/,.-]+ ){0,2}(?:installment (?:plan|agreement)|payment plan|plan)\b",
        r"\b(?:i|we)\s+(?:have|got)\s+(?:a|an)\s+(?:[\w-]+ ){0,2}(?:payment plan|installment agreement|ddia|plan with the irs)\b",
        # "I owe about 14k and have a payment plan, never missed", "$180 installment due on the 28th"
        r"\b(?:and|but|also|still) (?:have|had) (?:a|an) (?:irs )?(?:payment plan|installment (?:agreement|plan))\b",
        r"\b(?:payment plan|installment (?:agreement|plan)|ia)\b[^.?!]{0,30}\bnever (?:missed|skipped|been late)\b",
        r"\binstallment (?:payment )?(?:is |of \$?\d[\d,]* )?due\b",
        r"\bkeep (?:paying|making (?:the )?payments on) (?:my|our|the) (?:irs )?(?:payment plan|installment|plan|ia)\b",
        r"\b(?:i|we)\s+pay\s+(?:them |the irs )?\$?\d[\d,]*\s+(?:a month|every month|monthly|/mo)\b",
        r"\bpaying (?:the irs |them )?\$?\d[\d,]* (?:a month|monthly|every month)\b",
        r"\b\$?\d[\d,]* (?:a month |monthly )?on (?:my|our) (?:irs )?plan\b",
        r"\b(?:got|been) approved for (?:a|an) (?:payment plan|installment)",
        r"\bgot (?:a|an) (?:installment agreement|payment plan)\b",
        r"\b(?:i|we|already|i'?ve|we'?ve)\s+(?:already\s+)?set up monthly payments\b",
        r"\bddia\b",
        # "im on an ia", "got a pmt plan set up", "i have had an installment agreement for 2 years"
        r"\b(?:i'?m|im|we'?re|been) on an ia\b",
        r"\b(?:i|we|i'?ve|we'?ve|i'?m|im|we'?re|got)\b[^.?!]{0,20}\b(?:pmt|pymt|paymt) plan\b",
        r"\b(?:i|we)(?:'ve| have|ve) had (?:a|an|my|our) (?:payment plan|installment (?:agreement|plan))\b",
    ),
    "missed_payment": _any(
        r"\bmiss(?:ed|ing)? (?:a|an|my|the|one|two|three|\d+|some|last month'?s?)?\s*"
        r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? )?(?:irs )?(?:monthly |installment |plan )?payments?\b",
        r"\bskipped (?:a |one |two |three |\d+ |some )?(?:payments?|months?)\b",
        r"\bautopay (?:failed|bounced|didn'?t go through)\b",
        r"\bpayment (?:bounced|failed|didn'?t go through|was returned)\b",
        r"\b(?:couldn'?t|could not|didn'?t|did not|unable to) (?:make|pay) (?:a|my|the|this month'?s?|last month'?s?) (?:monthly )?payment",
        r"\bbehind on (?:my |the )?(?:payments|payment plan|installment)",
        r"\bdefaulted\b(?! (?:student |school |car |auto |home )?loans?\b)",  # a defaulted loan is no IRS plan
        r"\bin default\b",
        r"\b(?:missed|skipped|didn'?t pay|couldn'?t pay) (?:the |my |our )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b(?! \d)",
        r"\b(?:autopay|auto-pay|payment|direct debit|debit)\b(?! card)[^.?!]{0,15}\b(?:rejected|declined|bounced|failed|returned|reversed)\b",
        r"\b(?:rejected|declined|returned|bounced|reversed)\b[^.?!]{0,15}\b(?:my |the |our )?(?:autopay|auto-pay|payment|direct debit)\b",
        r"\bskipped\b[^.?!]{0,25}\bpayment\b",
        r"\b(?:couldn'?t|could not|didn'?t|did not) (?:make|pay)\b[^.?!]{0,25}\b(?:payment|installment|plan)\b",
        r"\b(?:debit|pmt|payment)\b(?! card)[^.?!]{0,25}\b(?:rejected|declined|bounced)\b",
        r"\b\d+ payments? behind\b",
        r"\bforgot to pay (?:the|my|our) (?:installment|payment|plan)\b",
        r"\bstopped paying\b",
        r"\bmiss\w* (?:a|my|our) (?:\w+ )?(?:payment|pmt)\b",
        r"\bbehind on (?:my|our) (?:irs )?payments\b",
    ),
    "ignored_letters": _any(
        r"\bignored\b",
        r"\bdidn'?t (?:open|respond|answer|reply)\b",
        r"\bnever (?:opened|responded|answered|replied)\b",
        r"\b(?:i|we|he|she)\s+(?:\w+\s+)?threw (?:\w+ ){0,3}(?:away|out)\b",  # "they threw out my mileage" is an examiner's change
        r"\btossed (?:it|them|the)\b",
        r"\bput (?:it|them) off\b",
        r"\bavoid(?:ed|ing) (?:it|them|the)\b",
        r"\b(?:stuck|put|threw|shoved|left|tossed) (?:it|them|those|these|the (?:letters|notices)) in (?:a|the|my) drawer\b",
        r"\bdid nothing\b",
        r"\bdidn'?t do anything\b",
        r"\bhaven'?t (?:opened|responded|answered|read)\b",
        r"\b(?:never|didn'?t|did not) (?:even )?(?:read|opened|open)\b",
        r"\blet (?:the |their )?(?:notices|letters|mail) pile up\b",
        r"\bignoring\b",
        r"\bputting it off\b",
        r"\bdidn'?t do nothing\b",
        r"\bnever op\w*d\b",
        r"\bthrew\b[^.?!]{0,30}\baway\b",
        r"\btossed (?:a bunch|some|all)\b",
    ),
    "deadline_passed": _any(
        r"\bmissed the (?:deadline|30[- ]day|due date|window|date)",
        r"\b(?:response|due|reply) date (?:was|passed|has passed|went by)\b",
        r"\b(?:send|sent|file|filed|mail|mailed|submit|submitted) (?:the |my )?(?:form|request|appeal|it)(?: \d+)? late\b",
        r"\bdeadline (?:has )?(?:passed|is past|went by)",
        r"\bpast the (?:deadline|due date|30 days)",
        r"\bafter the (?:deadline|30 days)\b",
        r"\b(?:it'?s|it has|its) been (?:over |more than |almost |about )?(?:\d+|two|three|four|five|six|seven|eight|several) (?:weeks|months)\b",
        r"\bmore than 30 days\b",
        r"\b30 days (?:have|has) (?:passed|gone by)\b",
        r"\bthe \d+ days (?:already )?(?:passed|ran out|lapsed|are up|went by)\b",
        r"\b(?:response|due|reply) date\b[^.?!]{0,30}\b(?:was last|passed|went by)\b",
        r"\bdate to respond went by\b",
        r"\bdeadline (?:is long gone|was last|expired|ran out)\b",
        r"\bafter the (?:reply|response|due) date\b",
        r"\b(?:time|days|window)\b[^.?!]{0,30}\b(?:already )?ran out\b",
        r"\bdidn'?t make the deadline\b",
        r"\blet the \d+ days lapse\b",
        r"\bover \d+ days since\b",
        # "the days to respond are over", "the 30 dys are long gone"
        r"\b(?:days|time) to (?:respond|reply|answer|appeal)\b[^.?!]{0,10}\b(?:are|is) (?:long )?(?:over|up|gone)\b",
        r"\b\d+ d(?:a)?ys (?:are|r) (?:long )?(?:gone|over|up)\b",
    ),
    "selling_home": _any(
        r"\bsell(?:ing)? (?:my|our|the|a|his|her|their|(?:my )?(?:mom|dad|mother|father|parents)'?s) (?:\w+ )?(?:house|home|property|condo|land)\b",
        r"\brefinanc\w*",
        r"\bdownsiz\w*",
        r"\bunder contract\b",
        r"\b(?:have|got|accepted|received|took) (?:an|a|the) (?:\w+ )?offer on (?:my|our|the) (?:house|home|condo|property)\b",
        r"\blisted (?:the|our|my) (?:house|home|property|condo)\b",
        r"\btitle (?:company|search)\b",
        r"\b(?:house|home|property) (?:is )?(?:for sale|under contract|on the market)\b",
        r"\bclosing on\b",
        r"\b(?:have|got|found) a buyer\b",
        r"\bclosing (?:is )?(?:in|next|date)\b",
        r"\brefi\b",
        r"\b(?:house|home|condo|property)\b[^.?!]{0,20}\b(?:for sale|up for sale)\b",
        r"\b(?:put|have) (?:my|our|the) (?:house|home) up for sale\b",
        r"\baccepted an offer\b",
        r"\bin escrow\b",
        r"\bsale of (?:my|our|the) (?:home|house)\b",
        r"\bselling (?:some |my |our )?(?:land|lot)\b",
        r"\bgot an offer on (?:our|my|the) (?:home|house)\b",
        r"\bshort sale\b|\bventa corta\b",
    ),
    "spouse_caused": _any(
        r"\bex[- ]?(?:husband|wife|spouse|partner)\b",
        r"\b(?:husband|wife|spouse)(?:'?s)? (?:\w+ ){0,4}(?:business|income|fault|debt|loan|child support|taxes|didn'?t|never|lied|hid|forged)",
        # "innocent spouse" alone names the relief asked about, not what a spouse did; "for HER old debt" does
        r"\b(?:for|from|over) (?:her|his) (?:own |old |back |past |previous |student )?(?:tax |taxes )?(?:debts?|loans?|balance|back taxes)\b",
        r"\bdivorced?\b",
        r"\b(?:husband|wife|spouse|ex) owes\b",
        r"\bmy ex\b[^.?!]{0,40}\b(?:claimed|reported|filed|hid|lied|cheated)\b",
        r"\b(?:he|she) (?:handled|did|filed) (?:the|our) taxes\b",
        r"\bfrom my ex\b",
        r"\bmy (?:husband|wife|hubby|spouse)s?\b[^.?!]{0,40}\b(?:never told me|caused|gambling|didn'?t report|cashed out)\b",
        r"\bmy ex'?s debt\b",
        r"\b(?:he|she) filed our joint return\b",
        r"\bex[- ]?(?:husband|wife)s\b",
    ),
    "business_taxes": _any(
        r"\bpayroll tax",
        r"(?<![\d,.$])\b(?:form )?94[01]s?\b",  # not the end of an amount ("$2,940")
        # "froze my business account": the account, not a business tax ("our restaurant account" names a business)
        r"\b(?:my|our) (?:small )?(?:business|company)\b(?! (?:card|account|checking|bank))",
        r"\b(?:my|our) (?:small )?(?:llc|corporation|restaurant|shop|store|salon|bakery)\b",
        r"\b(?:llc|s[- ]?corp|c[- ]?corp)\b",
        r"\bemployment tax",
        r"\btrust fund\b",
        r"\bsales tax\b",
        r"\bbusiness (?:tax|taxes|owes?|debt)\b",
        r"\b(?:i|we) (?:run|own|have) (?:a|an|my|our) (?:small )?(?:\w+ )?(?:business|company|llc|restaurant|shop|store)\b",
        r"\b(?:my|our) (?:own )?(?:[\w-]+ )?(?:business|company|studio)\b(?! (?:card|account))",
        r"\bown (?:a|an) (?:salon|restaurant|shop|store|business|studio)\b",
    ),
    "state_notice": _any(
        # "the state department" alone is the U.S. Department of State (passports), not a state tax agency
        r"\bstate (?:tax|taxes|revenue|board|agency|notice|letter|of \w+ (?:tax|revenue))(?! refund)",
        r"\bstate (?:department|dept\.?) of (?:revenue|taxation|taxes|finance)\b",
        r"\bdepartment of (?:revenue|taxation|taxes|finance)\b",
        r"\bdept\.? of (?:revenue|taxation)\b",
        r"\bfranchise tax board\b",
        r"\bftb\b",
        r"\b(?:edd|dor|nys|dtf)\b",
        r"\bcomptroller\b",
        r"\b(?:california|new york|nys|illinois|georgia|ohio|virginia|arizona|pennsylvania|michigan|new jersey|"
        r"massachusetts|colorado|wisconsin|minnesota|oregon|kentucky|alabama|indiana|missouri|maryland|north carolina|"
        r"south carolina|louisiana|utah|iowa|kansas|arkansas|oklahoma|connecticut|idaho|mississippi|nebraska|"
        r"new mexico|west virginia|hawaii|maine|montana|rhode island|delaware|vermont|dc) (?:state )?"
        r"(?:tax|taxes|department|dept|franchise|revenue|treasury)\b",
        r"\bfrom the state\b",
        r"\bowe the state\b",
        r"\bdivision of taxation\b",
        r"\brevenue dept\b",
        r"\bstate of [a-z]+(?: [a-z]+)? (?:says|sent|wants|is)\b",
        r"\bthe state is (?:charging|billing|saying|garnishing|levying|taking)\b",
        r"(?<!united )(?<!head of )\b(?:the )?state (?:says|said|claims|sent me|wants|is after)\b",  # "state says I owe"
        # a state named as the sender ("maryland sent an agreement default notice"), a state plan or return
        rf"\b(?:{_STATE_NAMES}) (?:sent|mailed|says|said|wants|is (?:charging|billing|garnishing)|garnish\w*|levied|took)\b",
        r"\bmy state (?:payment plan|plan|return|balance|tax bill)\b",
        # a county's or city's property tax is local, not the IRS's
        r"\b(?:county|city) (?:tax|taxes|treasurer|tax collector|assessor)\b|\bproperty tax(?:es)? (?:bill|notice|are|is)\b",
    ),
}


# Spanish wordings match alongside, on the text without accents (see spanish_situations.py).
_PATTERNS = {name: _any(pattern.pattern, *SPANISH_SITUATIONS.get(name, ())) for name, pattern in _PATTERNS.items()}
_PLAN_WORDS = re.compile(r"\b(?:payment plan|installment|agreement|plan|acuerdo|plazos|cp\s?-?52[13])\b", re.IGNORECASE)


# "We haven't missed a single payment", "nunca falle un pago": the statement is denied.
_DENIED = re.compile(
    r"\b(?:never|not|haven'?t|hasn'?t|didn'?t|don'?t|unless|nunca|no (?:he|hemos|ha)|no|a menos que)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_DENIABLE = ("missed_payment", "already_paid", "ignored_letters", "lost_income", "deadline_passed")


# "will they start levying?", "if they freeze my account", "does that keep them from garnishing": enforcement
# feared, not under way.
_FEARED = re.compile(
    r"\b(?:will|would|can|could|might|may|going to|gonna|if|before|about|van a|pueden|podrian|si|"
    r"does (?:that|this|it) mean|did (?:they|the irs)|(?:do|are) (?:they|the irs)|have they|has the irs|"
    r"(?:stop|keep|prevent|block)\w* (?:(?:them|the irs|irs|it|him|her) )?from)\b[^.?!]{0,25}$",
    re.IGNORECASE,
)
_FEARABLE = ("levied", "bank_frozen")
_IF_I = re.compile(
    r"\b(?:what if|if|si)\s+(?:(?:i|we|yo)\s+)?(?:just\s+|only\s+|solo\s+|nomas\s+)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# "my bank account isn't going to get levied, right?": the fear inside the match itself
_FEARED_INSIDE = re.compile(
    r"\b(?:going to|gonna|will|won'?t|would|could|might|can|isn'?t|aren'?t|not) (?:\w+ )?(?:get|be)\b", re.IGNORECASE
)


# "if I set up a payment plan", "should we get on a plan": a plan wished for, not one in place.
_WISHED = re.compile(
    r"\b(?:if|when|once|should|can|could|would|will|whether|want to|going to|gonna|planning to|"
    r"si|cuando|quiero|puedo|podria|deberia|voy a)\b[^.?!,]{0,20}$",
    re.IGNORECASE,
)
# A plan asked for and not yet granted is no plan ("my payment plan request", "en tramite"); one granted is
# ("i got approved for a payment plan", "me aprobaron el plan").
_PENDING = re.compile(
    r"\b(?:request\w*|applied|application|pending|tramite|solicit\w*|approv\w*|aprob\w*)\b", re.IGNORECASE
)
# "i got my payment plan approved", "they approved it", "me lo aprobaron": granted, whatever was asked before;
# "hasn't been approved", "they hadnt approved it yet", "is waiting to be approved", "to get approved" are not.
_GRANTED = re.compile(
    r"\b(?<!n't )(?<!not )(?:got|was|were|been|they|is|it's|its|irs)\b"
    r"(?:\s+(?!not\b|never\b|yet\b|will\b|would\b|should\b|need|hop|wait|"
    r"(?:had|has|have|did|does|do|is|was|were|are|could|would|should|ca|wo)n'?t\b)[\w']+){0,3}?"
    r"\s+approved\b(?!\s+yet\b)|\b(?:me|nos|les)\s+(?:\w+\s+){0,2}?aprob(?:aron|o|ó)\b|"
    r"\bkeep (?:paying|making (?:the )?payments on)\b",  # "keep paying my installment agreement while it is pending"
    re.IGNORECASE,
)
# "is an IRS bank levy continuous or one time?", "how does a bank levy work": a levy asked about in general
_IN_GENERAL = re.compile(
    r"(?<!there )(?<!hay )\b(?:is|does|are|do|what'?s|what is|how does|how do|es|como funciona) (?:an?|un|una) "
    r"(?:irs |del irs )?$",
    re.IGNORECASE,
)
# "y si ya estoy en un plan", "what if I'm already on a plan": said of a plan that is there
_ALREADY = re.compile(r"\b(?:ya|already)\s+$", re.IGNORECASE)
# "his taxes", "her business" speak of a spouse only when the message names one.
_SPOUSE = re.compile(r"\b(?:husband|wife|spouse|ex|joint|esposo|esposa|marido|mujer)(?:'?s)?\b", re.IGNORECASE)
# "the IRS is going to sell my house", "van a vender mi casa": a seizure sale, not the taxpayer selling.
_SEIZURE_SALE = re.compile(
    r"\b(?:irs|they|they'?re|they will|va a|van a|quiere|quieren|threaten\w*|amenaz\w*)\b[^.?!]{0,20}$", re.IGNORECASE
)
_HIS_OR_HERS = re.compile(r"\b(?:his|her) (?:business|taxes|income|debt)\b", re.IGNORECASE)
# "its been 6 weeks" since a return was filed is about a refund, not a notice's deadline.
REFUND_WORD = re.compile(r"\b(?:refunds?|reembolsos?)\b", re.IGNORECASE)


# "a coworker of mine got her wages garnished", "a un compañero le embargaron el sueldo": someone else's case
# (a parent's or spouse's case is the family's, and the writer's to deal with).
_SOMEONE_ELSE = re.compile(
    r"\b(?:co-?workers?|friends?|neighbou?rs?|brother[- ]in[- ]law|sister[- ]in[- ]law|cousins?|"
    r"compa(?:n|ñ)er[oa]s?|amig[oa]s?|vecin[oa]s?|cu(?:n|ñ)ad[oa]s?|prim[oa]s?)\b",
    re.IGNORECASE,
)
# ... unless the writer's own case is in the same sentence ("my friend said my account was levied")
_FIRST_PERSON_CASE = re.compile(
    r"\b(?:my|our|me|mi|mis|nuestr[oa]s?)\b(?! (?:co-?worker|friend|neighbou?r|compa|amig|vecin))", re.I
)
# "we might have to sell the house someday", "thinking about starting an llc", "tal vez algun dia": not yet so.
_HYPOTHETICAL = re.compile(
    r"\b(?:might|may have to|someday|some day|one day|thinking (?:about|of)|considering|"
    r"tal vez|quizas?|algun dia|pensando en)\b[^.?!]{0,30}$",
    re.IGNORECASE,
)
_HYPOTHETICAL_ABLE = ("selling_home", "business_taxes", "lost_income")


def _sentence_at(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in ".?!\n") + 1
    ends = [i for i in (text.find(mark, position) for mark in ".?!\n") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def _stated(name: str, text: str) -> bool:
    """True when ``text`` states the situation at least once without denying it."""
    for match in _PATTERNS[name].finditer(text):
        before = text[max(0, match.start() - 25) : match.start()]
        sentence = _sentence_at(text, match.start())
        if name in _DENIABLE and _DENIED.search(before):
            continue
        if name in _FEARABLE and (
            _FEARED.search(before) or _FEARED_INSIDE.search(match.group()) or _IN_GENERAL.search(before)
        ):
            continue
        if name == "on_payment_plan" and (
            (_WISHED.search(before) and not _ALREADY.search(before))
            or (_PENDING.search(sentence) and not _GRANTED.search(sentence))
        ):
            continue
        if name == "selling_home" and _SEIZURE_SALE.search(before):
            continue
        if name in ("ignored_letters", "deadline_passed") and _IF_I.search(before):
            continue  # "what if I just put it in a drawer", "si ignoro la carta", "what if I send it late": asked about
        if name == "deadline_passed" and REFUND_WORD.search(sentence):
            continue
        if _SOMEONE_ELSE.search(sentence) and not _FIRST_PERSON_CASE.search(sentence):
            continue
        if name in _HYPOTHETICAL_ABLE and _HYPOTHETICAL.search(text[max(0, match.start() - 45) : match.start()]):
            continue
        return True
    return name == "spouse_caused" and bool(_SPOUSE.search(text) and _HIS_OR_HERS.search(text))


# "I still have time", "not due until the 20th", "quedan 10 dias": time still left, whatever the classifier reads
# (as is "3 weeks out" or "in 10 days": services.dates.speaks_of_time_ahead).
_STILL_TIME = re.compile(
    r"\bstill (?:have|got)\b|\bnot (?:due )?(?:until|till)\b|\b(?:quedan|faltan|tengo) (?:\d+|unos|dos|tres) (?:dias|semanas)\b",
    re.IGNORECASE,
)


# "thanks", "ok", "John Smith": too short to state a situation the patterns miss; not worth a prediction.
_FEWEST_WORDS = 4


# "ignore unas cartas del IRS y ahora dicen que pueden venir a mi casa??": a statement joined to a question
_CLAUSE = re.compile(r",\s*|;\s*|\s+(?:and|but|so|y|pero|entonces|asi que)\s+", re.IGNORECASE)


def _stating_parts(text: str) -> List[str]:
    """The stating sentences of ``text``, and the stating clauses of its asking sentences."""
    parts: List[str] = []
    for sentence in sentences(text):
        if not is_asking(sentence):
            parts.append(sentence)
            continue
        clauses = _CLAUSE.split(sentence)
        if len(clauses) > 1:
            parts += [clause for clause in clauses if not is_asking(clause)]  # the asking clause is left out
    return parts


def _classified(text: str) -> Set[str]:
    """Situations the classifier reads, with high probability, in stating sentences the patterns find none in.

    An asking sentence ("can they freeze my account?") is left to the patterns: what it names is mostly
    feared or wished for, and on the dev sets the classifier's readings of asking sentences were wrong. A
    stating clause joined to the question in the same sentence is read, before it ("I lost my job in march, can
    they...") or after it ("what happens now, half my check goes to the IRS").
    """
    unread = [
        sentence
        for sentence in _stating_parts(text)
        if len(sentence.split()) >= _FEWEST_WORDS and not any(_stated(name, sentence) for name in SITUATIONS)
    ]
    readings = situation_classifier().situations(unread)
    return {
        situation
        for sentence, situation in zip(unread, readings, strict=True)
        if situation
        and not (situation == "deadline_passed" and (speaks_of_time_ahead(sentence) or _STILL_TIME.search(sentence)))
    }


_NEVER_MISSED = re.compile(
    r"\b(?:never|not|haven'?t|havent|didn'?t|didnt|no)\s+(?:once\s+|even\s+|ever\s+)?miss(?:ed)? (?:a|one|any|my)\b|"
    r"\bnunca (?:he )?(?:falle|fallado|deje de pagar)\b",
    re.IGNORECASE,
)


def find_situations(text: str, classify: bool = True) -> List[str]:
    """The situations stated in ``text`` (English or Spanish), in the fixed order of SITUATIONS.

    Args:
        text: the message as written.
        classify: also ask the sentence classifier (situation_classifier.py) about each sentence the
            patterns find nothing in; False reads with the patterns alone.
    """
    text = normalise(text)
    found = {name for name in SITUATIONS if _stated(name, text)}
    if classify:
        found |= _classified(text)
    if _NEVER_MISSED.search(text):
        found.discard("missed_payment")  # "in default but I never missed a payment": the cause is something else
    if "missed_payment" in found and _PLAN_WORDS.search(text):
        found.add("on_payment_plan")  # a missed plan payment means the taxpayer is on a plan
    return [name for name in SITUATIONS if name in found]
