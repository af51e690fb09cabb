"""Where each reference-data file comes from: one entry per source, with its official URL (on
cms.gov or fda.gov), its path on a mirror, the mirror copy's sha256, and its licence.

A mirror is any HTTP server laid out like ``../shared/data`` (``hcpcs/``, ``asp_crosswalk/original/``,
``fda_ndc/original/`` ...): ``nocrx data download --mirror URL`` fetches ``URL/<mirror_path>``
and checks the sha256. Without a mirror, the official URLs are fetched; CMS names its quarterly
zips differently from quarter to quarter, so only URLs seen in use are listed, and the rest
(``url=None``) are fetched from a mirror or downloaded by hand from the landing page.
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC_DOMAIN = "Public domain: a work of the US government (17 U.S.C. 105)."
HCPCS_PAGE = "https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update"
ASP_PAGE = "https://www.cms.gov/medicare/payment/part-b-drugs/asp-pricing-files"
OPPS_PAGE = "https://www.cms.gov/medicare/payment/prospective-payment-systems/hospital-outpatient/addendum-a-b-updates"
FDA_NDC_PAGE = "https://www.fda.gov/drugs/drug-approvals-and-databases/national-drug-code-directory"
_CPT_NOTE = " Rows with CPT codes (90xxx) carry AMA-copyright short descriptors."
_CMS = "https://www.cms.gov/files/zip/"


@dataclass(frozen=True, slots=True)
class DataSource:
    """One file the project loads, and where to get it."""

    id: str
    kind: str
    title: str
    mirror_path: str  # relative to a mirror root (the ../shared/data layout)
    mirror_sha256: str | None
    page: str
    licence: str
    url: str | None = None  # the official download (a CMS or FDA zip), when known


def _cms(id_: str, kind: str, title: str, path: str, sha: str, page: str, url: str | None = None,
         note: str = "") -> DataSource:  # fmt: skip
    return DataSource(id_, kind, title, path, sha, page, PUBLIC_DOMAIN + note, url)


SOURCES: tuple[DataSource, ...] = (
    _cms("hcpcs-2025q4", "hcpcs", "HCPCS Level II alpha-numeric file, October 2025",
         "hcpcs/HCPC2025_OCT_ANWEB.xlsx", "6fcd04186caa69af047915d16426a05ba20e49c3eba2367f472a94b534f9be52",
         HCPCS_PAGE, _CMS + "october-2025-alpha-numeric-hcpcs-file.zip",
         " D-codes (CDT) are ADA copyright."),
    _cms("noc-codes-2019", "noc_codes", "CMS NOC CODES - HCPCS 2019", "hcpcs/NOC_Codes_2019.xlsx",
         "fa2c1ab6f72406152afaf67bf052b0c5b11ebeb33d8f1d59c7a16cc7dd0a37e1", HCPCS_PAGE),
    *(
        _cms(f"asp-crosswalk-{q}", "asp_crosswalk", f"ASP NDC-HCPCS crosswalk {q}",
             f"asp_crosswalk/original/asp_ndc_hcpcs_crosswalk_{q}_original.csv", sha, ASP_PAGE, url, _CPT_NOTE)
        for q, sha, url in (
            ("2024q4", "6257f21c8f839046ce8917c6c9118066c99a231cacd87b6e28c8b9eeb3b4bce2", None),
            ("2025q1", "804887f0b52cec4b7a825e9bcfefe0713d5401edd9d45d42b4fe72f00cb54828", None),
            ("2025q2", "c22f3d0b751f7c7af4e3a70afc63ad33187874bf906fc9f323520534d36f8424", None),
            ("2025q3", "bd9dbc053ab17298ce9b1223608bc9a97f47908043910d78ea7f311c77281a68", None),
            ("2025q4", "008b6518b9b999c6d73b8a55cbee959cead593fe5c69700d02fea847254b2fc4",
             _CMS + "october-2025-asp-ndc-hcpcs-crosswalk-final-file.zip"),
            ("2026q1", "3b8fd53b88537bc5c4242918b6870b2542d26f59d7917d00a6aec6b57bb30e9e", None),
        )
    ),
    *(
        _cms(f"asp-pricing-{q}", "asp_pricing", f"ASP payment-limit file {q}",
             f"asp_pricing/original/asp_payment_limits_{q}_original.csv", sha, ASP_PAGE, url, _CPT_NOTE)
        for q, sha, url in (
            ("2024q4", "64561458c9da89d68b818254407c93331911faf3a194dc29d11624ee2ba9b788", None),
            ("2025q1", "3608299eea0f2c433c742c4d4d94b273c5696a2ae68884ff4c7740f4544ab6f5", None),
            ("2025q2", "dfaf1d7cbeb7f1f68deb7f5bc331be75b9b6b49b739d532d39f39a95e8a5dad8", None),
            ("2025q3", "7b3ce4fd1f11500d6a90d878865129b305e136d3ba48e4a2f98438898c2328cc",
             _CMS + "july-2025-asp-pricing-file.zip"),
            ("2025q4", "1f1ef4c3b5e1856db879b97a1e0326d51c0b568fd3968d68216577f4af7b13a3",
             _CMS + "october-2025-asp-pricing-final-file.zip"),
            ("2026q1", "2374d6114fea3c8d02c6da7f153118d46ac2b9ebc64e608f9ce13b1b71c5817a",
             _CMS + "january-2026-medicare-part-b-payment-limit-files.zip"),
        )
    ),
    _cms("noc-crosswalk-2025q4", "noc_crosswalk", "ASP NOC NDC-HCPCS crosswalk 2025q4",
         "noc/original/noc_ndc_hcpcs_crosswalk_2025q4_original.csv",
         "26035c1b67237b9d6888fb4ded0153d13f70b7aba51255c0b89fb377b9b947b5", ASP_PAGE),
    _cms("noc-pricing-2025q4", "noc_pricing", "NOC payment-limit file 2025q4",
         "noc/original/noc_pricing_2025q4_original.csv",
         "d3d88f8f2875839e374e90984d0931297d198724b26cf65a76506199c5e1d3c8", ASP_PAGE),
    _cms("opps-addendum-b-2025q4", "opps_addendum_b", "OPPS Addendum B, October 2025 (Level II rows)",
         "opps_addendum_b/opps_addendum_b_2025q4_level2.csv",
         "b90912acc35a61b138fe0cbf970a57cd544f12cb17922ed3fbe68155e18a2be7", OPPS_PAGE,
         note=" The full CMS file also holds CPT rows (AMA copyright); the mirror keeps Level II only."),
    DataSource("fda-ndc-directory", "fda_products", "FDA NDC Directory, finished drugs (product.txt, package.txt)",
               "fda_ndc/original/ndc_fragment_2025-07-11_product_original.txt",
               "2d9ebba799810abfd03d3c1694fdbecc175f7a3c6d2e857975ba29819af0f2d6", FDA_NDC_PAGE, PUBLIC_DOMAIN,
               "https://www.accessdata.fda.gov/cder/ndctext.zip"),
    DataSource("fda-ndc-fragment-packages", "fda_packages", "FDA NDC Directory package.txt (2025-07-11 fragment)",
               "fda_ndc/original/ndc_fragment_2025-07-11_package_original.txt",
               "e508ece5d9cb09802f60ac2d589dadebf918bd5b95ba429b6462c54c40467f06", FDA_NDC_PAGE, PUBLIC_DOMAIN),
    DataSource("fda-ndc-unfinished", "fda_products", "FDA NDC Directory, unfinished drugs (unfinished.zip)",
               "fda_ndc/original/fda_ndc_unfinished_2018-06-25_original.zip",
               "a9becea5fa6202ccffc77a6e54b145c030f4a983896a1bb69988723fba71eacf", FDA_NDC_PAGE, PUBLIC_DOMAIN,
               "https://www.accessdata.fda.gov/cder/ndc_unfinished.zip"),
    DataSource("fda-ndc-reduced-2025-12", "fda_products",
               "Reduced FDA product list, late 2025 (third-party derivative: product NDC, names, route)",
               "fda_ndc/original/ndc_products_reduced_2025-12_original.csv.gz",
               "f04744ca5388a412d5e91b7a1cd09d688dec103686664ac57a7113bb0996639d", FDA_NDC_PAGE,
               "Derived by a third party from FDA product.txt (public domain); no licence stated."),
)  # fmt: skip

_PAGES = {source.kind: source.page for source in SOURCES} | {"fda_packages": FDA_NDC_PAGE}


def landing_page(kind: str) -> str | None:
    """The official page that publishes files of this kind (recorded as a release's source_url).

    >>> landing_page("fda_packages")
    'https://www.fda.gov/drugs/drug-approvals-and-databases/national-drug-code-directory'
    """
    return _PAGES.get(kind)
