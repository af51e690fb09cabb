"""The public pages the rules come from (all listed, with context, in noc-rules.md)."""

from __future__ import annotations

FCSO_NOC = (
    "First Coast, NOC claim submission https://medicare.fcso.com/Claim_submission_guidelines/0489004.asp"
)
NOVITAS_NOC = (
    "Novitas JH https://www.novitas-solutions.com/webcenter/portal/MedicareJH/pagebyid?contentId=00166304"
)
PALMETTO_JM = (
    "Palmetto JM, unlisted codes are not interchangeable "
    "https://palmettogba.com/palmetto/jmb.nsf/DIDC/BY6RTU8205~Specialties~Drugs%20and%20Biologicals"
)
PALMETTO_JJ = "Palmetto JJ, NOC drug narrative https://www.palmettogba.com/palmetto/jjb.nsf/DID/AW8MMP6652"
PALMETTO_A54880 = "Palmetto LCA A54880 (summary) https://verity.backworkai.com/policy/A54880"
WPS_TIPS = "WPS, J3490 tips http://www.wpsmedicare.com/part_b/publications/j3490_tips.shtml"
WPS_5010 = (
    "WPS 5010 NOC update (FAC) https://www.findacode.com/articles/noc-drug-and-biological-codes-31604.html"
)
CGS_NOC = "CGS, NOC drugs on 837P https://www.cgsmedicare.com/partb/pubs/news/2014/0414/cope25420.html"
NORIDIAN_NOC = (
    "Noridian JE, unlisted procedure and NOC codes "
    "https://med.noridianmedicare.com/web/jeb/topics/claim-submission/submission-errors-solutions/"
    "unlisted-procedure-and-noc-codes"
)
FCSO_PRICING = "First Coast, local contractor pricing https://medicare.fcso.com/fees/understanding-local-contractor-pricing"
ION_NOC = "ION, NOC claims (M123) https://www.iononline.com/insights/noc-claims-and-ensuring-your-practice-is-reimbursed"
MAC_NOTICE_NDC = (
    "MAC notice on NDC, name and dosage for NOC drugs "
    "https://medicarepaymentandreimbursement.com/2010/08/where-to-enter-ndc-codes-and-required.html"
)
M119 = "CO-16/M119 missing or invalid NDC https://immedicaresolutions.com/wiki/rarc-m119"
CTP05_RFI = (
    "X12 RFI 2151: 837P/837I loop 2410 LIN03 NDC, CTP04 quantity, CTP05-01 unit (F2, GR, ME, ML, UN) "
    "https://x12.org/resources/requests-for-interpretation/rfi-2151-cpt04-units-837i-and-837p"
)
FDA_NDC = "FDA NDC directory (package marketing dates); IBX NDC submission https://www.ibx.com/resources/for-providers/claims-and-billing/claims-resources-and-guides/ndc-code-submission-changes"
MEDICAID_UNITS = "NOC units = containers (Medicaid-style guide) http://www.medicalbillingcptmodifiers.com/search/label/NDC%20code"
NORIDIAN_UNITS = "Noridian JF, drug units follow the HCPCS descriptor https://med.noridianmedicare.com/web/jfb/topics/drugs-biologicals-injections"
CGS_M20 = "CGS, RTP 'Procedure Code Invalid on Date of Service' (M20) https://www.cgsmedicare.com/partb/education/cse_data.html"
NORIDIAN_JW_JZ = (
    "Noridian JF, drug wastage JW and JZ "
    "https://med.noridianmedicare.com/web/jfb/topics/drugs-biologicals-injections/drug-wastage-jw-and-jz-modifiers"
)
PRIORITY_JW = (
    "Priority Health, JW/JZ (JW on multi-dose vials denied) "
    "https://www.priorityhealth.com/provider/manual/billing/modifiers/provider-center-billing-jw-jz-drug-dosing-modifiers"
)
VISANTE_C9399 = (
    "Visante, C9399 (quantity 1; waste in notes, no JW line) "
    "https://www.visanteinc.com/pharmacy-newsletter/whats-new-using-hcpcs-code-c9399-july-1-2022-update/"
)
AEH_340B = "340B JG/TB from 2024-01-01 https://essentialhospitals.org/cms-revises-part-b-inflation-rebate-guidance-340b-modifers/"
JA_JB = "JA/JB route modifiers (LCA A52527 summary) https://verity.backworkai.com/policy/A52527"
GA_GZ_GY = "GA/GZ/GY liability modifiers https://carecostestimate.com/billing/modifiers/"
KD_PUMP = "J7799-KD pump drugs https://cms1500claimbilling.com/compounded-drugs-used-in-an-implantable-infusion-pump-j7799"
CR8401 = "CR 8401 clinical trial number, Z00.6, Q0/Q1 http://www.codingahead.com/2013/08/mandatory-reporting-of-clinical-trial.html"
CR8401_INSTITUTIONAL = (
    "CR 8401 institutional: value code D4, condition code 30 "
    "http://www.primeclinical.com/News/Industry_News/Clinical_Trial_Requirements.htm"
)
EMERGENCY_GAP = (
    "noc-rules.md 2.3: no primary source for emergency use outside a trial; needs a human decision"
)
ICD10 = (
    "ICD-10-CM code set as bundled with simple-icd-10-cm (CMS April 1, 2026 release); "
    "coding at the highest specificity (billable codes only)"
)
PALMETTO_A54880_DX = PALMETTO_A54880
COMPENDIA = (
    "CMS compendia for off-label anticancer use (BPM ch.15 §50.4.5) "
    "https://hhs.gov/guidance/document/compendia-authoritative-sources-use-determination-medically-accepted-indication-drugs-and"
)
ADMIN_CODES = (
    "Noridian JEA, chemotherapy and non-chemotherapy administration "
    "https://med.noridianmedicare.com/web/jea/topics/drugs-biologicals-injections/chemotherapy-administration-billing"
)
SUPPLY_ONLY = "Drug supply is billed apart from administration https://www.codingahead.com/hcpcs-codes-for-drugs-administered-by-injection/"
COMPOUND = "Compounded drugs (J7999 from 2016; components) http://www.panaceainc.com/question-of-the-week/pharmacy.html"
IBX_COMPOUND = FDA_NDC
INVOICE_FCSO = "First Coast, invoice net of discounts https://medicare.fcso.com/Fee_news/0489196.asp"
PWK = "2300 PWK attachment (PWK01/PWK02, PWK05=AC, PWK06) http://www.eedi.net/837004010X098A1/57_837004010X098A1.htm"
ASP_LAW = "Part B payment 106% of ASP per billing unit (42 USC 1395w-3a) http://laws9.com/uscode/html/uscode42/usc_sec_42_00001395---w003a.html"
C9399_OPPS = (
    "C9399 under OPPS, MMA §621(a) (Rev. 3085) "
    "https://www.findacode.com/articles/hospital-outpatient-payment-under-opps-for-new-unclassified-drugs-and-"
    "biologicals-after-fda-approval-but-before-assignment-of-a-product-specific-drug-or-biological-hcpcs-code-"
    "rev-3085-27136.html"
)
SKIN_NGS = "NGS: JZ with skin substitutes excluded https://intellicure.com/blog/jz-modifier-use-with-skin-substitutes"
