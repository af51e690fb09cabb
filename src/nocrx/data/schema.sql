-- nocrx reference-data store. One row in data_sources per loaded release of one kind of file;
-- every data row points at the release it came from, so a date of service picks its release.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS data_sources (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,      -- hcpcs, asp_crosswalk, asp_pricing, noc_crosswalk, noc_pricing,
                                        -- opps_addendum_b, noc_codes, fda_products, fda_packages, formulary
    release         TEXT NOT NULL,      -- e.g. 2025q4, 2025-10, 2025-07-11
    effective_from  TEXT,               -- ISO date; NULL when the file states none
    effective_to    TEXT,               -- ISO date; NULL = open-ended (in force until replaced)
    source_file     TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    row_count       INTEGER NOT NULL,
    loaded_at       TEXT NOT NULL,
    source_url      TEXT,
    notes           TEXT,
    UNIQUE (kind, release)
);

CREATE TABLE IF NOT EXISTS hcpcs_codes (
    source_id               INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    hcpcs                   TEXT NOT NULL,
    long_description        TEXT,
    short_description       TEXT,
    pricing_indicator       TEXT,   -- PRICE1 (Medicare pricing indicator)
    multiple_pricing        TEXT,   -- MULT_PI
    coverage_code           TEXT,   -- COV
    betos                   TEXT,
    type_of_service         TEXT,   -- TOS1
    asc_group               TEXT,
    opps                    TEXT,
    opps_pi                 TEXT,
    add_date                TEXT,
    action_effective_date   TEXT,
    termination_date        TEXT,
    action_code             TEXT,
    is_modifier             INTEGER NOT NULL DEFAULT 0   -- RECID 7
);
CREATE INDEX IF NOT EXISTS hcpcs_codes_code ON hcpcs_codes (hcpcs, source_id);

CREATE TABLE IF NOT EXISTS asp_crosswalk (
    source_id                   INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    hcpcs                       TEXT NOT NULL,
    short_description           TEXT,
    labeler                     TEXT,
    ndc_id                      TEXT,   -- NDC2 as published (an NDC or an alternate id)
    ndc_11                      TEXT,   -- NULL when ndc_id is not a 5-4-2 NDC
    drug_name                   TEXT,
    hcpcs_dosage                TEXT,
    package_size                TEXT,
    package_quantity            TEXT,
    billing_units               TEXT,
    billing_units_per_package   TEXT
);
CREATE INDEX IF NOT EXISTS asp_crosswalk_ndc ON asp_crosswalk (ndc_11, source_id);
CREATE INDEX IF NOT EXISTS asp_crosswalk_code ON asp_crosswalk (hcpcs, source_id);

CREATE TABLE IF NOT EXISTS noc_crosswalk (
    source_id                   INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    generic_name                TEXT,
    labeler                     TEXT,
    ndc_id                      TEXT,
    ndc_11                      TEXT,
    drug_name                   TEXT,
    dosage                      TEXT,
    package_size                TEXT,
    package_quantity            TEXT,
    billing_units               TEXT,
    billing_units_per_package   TEXT
);
CREATE INDEX IF NOT EXISTS noc_crosswalk_ndc ON noc_crosswalk (ndc_11, source_id);

CREATE TABLE IF NOT EXISTS asp_pricing (
    source_id               INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    hcpcs                   TEXT NOT NULL,
    short_description       TEXT,
    hcpcs_dosage            TEXT,
    payment_limit           REAL,
    coinsurance_percent     REAL,
    vaccine_awp_percent     TEXT,
    vaccine_limit           TEXT,
    blood_awp_percent       TEXT,
    blood_limit             TEXT,
    clotting_factor         TEXT,
    notes                   TEXT
);
CREATE INDEX IF NOT EXISTS asp_pricing_code ON asp_pricing (hcpcs, source_id);

CREATE TABLE IF NOT EXISTS noc_pricing (
    source_id       INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    generic_name    TEXT NOT NULL,
    dosage          TEXT,
    payment_limit   REAL,
    notes           TEXT
);

CREATE TABLE IF NOT EXISTS opps_addendum_b (
    source_id                   INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    hcpcs                       TEXT NOT NULL,
    short_descriptor            TEXT,
    status_indicator            TEXT,
    apc                         TEXT,
    relative_weight             TEXT,
    payment_rate                REAL,
    national_copayment          TEXT,
    minimum_copayment           TEXT,
    pass_through_expiration     TEXT,
    note                        TEXT
);
CREATE INDEX IF NOT EXISTS opps_addendum_b_code ON opps_addendum_b (hcpcs, source_id);

CREATE TABLE IF NOT EXISTS noc_codes (
    source_id           INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    hcpcs               TEXT NOT NULL,
    long_description    TEXT,
    add_date            TEXT,
    term_date           TEXT
);

CREATE TABLE IF NOT EXISTS fda_products (
    source_id                   INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    product_id                  TEXT,
    product_ndc                 TEXT NOT NULL,  -- as FDA writes it (4-4, 5-3 or 5-4)
    product_ndc_9               TEXT NOT NULL,  -- zero-padded 5-4 digits, the first 9 of ndc_11
    product_type                TEXT,
    proprietary_name            TEXT,
    proprietary_name_suffix     TEXT,
    nonproprietary_name         TEXT,
    dosage_form                 TEXT,
    route                       TEXT,
    start_marketing_date        TEXT,
    end_marketing_date          TEXT,
    marketing_category          TEXT,
    application_number          TEXT,
    labeler                     TEXT,
    substance_name              TEXT,
    strength                    TEXT,
    strength_unit               TEXT,
    pharm_classes               TEXT,
    dea_schedule                TEXT,
    ndc_exclude_flag            TEXT,
    is_unfinished               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS fda_products_ndc9 ON fda_products (product_ndc_9);

CREATE TABLE IF NOT EXISTS fda_packages (
    source_id               INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    product_id              TEXT,
    product_ndc             TEXT,
    package_ndc             TEXT NOT NULL,  -- as FDA writes it
    ndc_11                  TEXT NOT NULL,
    description             TEXT,
    start_marketing_date    TEXT,
    end_marketing_date      TEXT,
    ndc_exclude_flag        TEXT,
    sample_package          TEXT
);
CREATE INDEX IF NOT EXISTS fda_packages_ndc ON fda_packages (ndc_11);

CREATE TABLE IF NOT EXISTS formulary (
    source_id       INTEGER NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,
    ndc_11          TEXT NOT NULL,
    drug_name       TEXT,
    strength        TEXT,
    route           TEXT,
    hcpcs           TEXT,
    category        TEXT,
    container       TEXT
);
CREATE INDEX IF NOT EXISTS formulary_ndc ON formulary (ndc_11);

-- Derived, not loaded: the FDA product (and package) that Store.product() answers for each NDC,
-- chosen once after an import (Store.index_fda_products) from every loaded FDA release. The key
-- is an 11-digit package NDC, or a 9-digit product NDC for the packages the files do not list.
CREATE TABLE IF NOT EXISTS fda_ndc_products (
    ndc                             TEXT PRIMARY KEY,
    product_ndc                     TEXT,
    proprietary_name                TEXT,
    nonproprietary_name             TEXT,
    dosage_form                     TEXT,
    route                           TEXT,
    marketing_category              TEXT,
    application_number              TEXT,
    start_marketing_date            TEXT,
    end_marketing_date              TEXT,
    pharm_classes                   TEXT,
    package_start_marketing_date    TEXT,
    package_end_marketing_date      TEXT,
    package_description             TEXT,
    source_id                       INTEGER     -- the product row's release (the answer names it)
) WITHOUT ROWID;

-- Also derived: hcpcs_words, each word of each HCPCS long descriptor, for Store.hcpcs_search. It is
-- created by Store.index_hcpcs_words (the importer), not here, so opening a store only to read it
-- never writes to it.

-- What each derived table was built from (the ids and sha256 of the releases it read); the
-- store trusts a derived table only while those are exactly the releases loaded.
CREATE TABLE IF NOT EXISTS derived_tables (
    name        TEXT PRIMARY KEY,
    built_from  TEXT NOT NULL
);
