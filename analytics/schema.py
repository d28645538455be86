"""The database schema as numbered migrations: the DDL text only. ``analytics.store.Store`` is the
one place that applies it (on open, each in the same transaction as its version row), so an older
database file is upgraded in place; a migration, once released, is never edited, only followed.
"""

MIGRATIONS = (
    # 1: the initial schema.
    """
    CREATE SEQUENCE dataset_ids START 1;
    CREATE TABLE datasets (
        dataset_id INTEGER PRIMARY KEY DEFAULT nextval('dataset_ids'),
        name VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp,
        source_file VARCHAR,
        rows BIGINT NOT NULL DEFAULT 0,
        customers BIGINT NOT NULL DEFAULT 0,
        date_min DATE,
        date_max DATE,
        file_hashes VARCHAR[] NOT NULL DEFAULT [],
        is_demo BOOLEAN NOT NULL DEFAULT false,
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE transactions (
        dataset_id INTEGER NOT NULL,
        customer_id VARCHAR NOT NULL,
        order_date DATE NOT NULL,
        revenue DOUBLE NOT NULL,
        order_id VARCHAR,
        cost DOUBLE,
        gross_profit DOUBLE,
        quantity DOUBLE,
        product VARCHAR,
        channel VARCHAR,
        region VARCHAR,
        sales_rep VARCHAR,
        extra JSON
    );
    CREATE TABLE customers (
        dataset_id INTEGER NOT NULL,
        customer_id VARCHAR NOT NULL,
        name VARCHAR,
        customer_type VARCHAR,
        industry VARCHAR,
        region VARCHAR,
        account_team_size DOUBLE,
        referrals DOUBLE,
        satisfaction DOUBLE,
        brand_influence DOUBLE,
        channel_strength DOUBLE,
        industry_expansion DOUBLE,
        new_product_pilot DOUBLE,
        extra JSON
    );
    CREATE TABLE settings (
        key VARCHAR PRIMARY KEY,
        value JSON NOT NULL,
        updated TIMESTAMP NOT NULL DEFAULT current_timestamp
    );
    """,
    # 2: whether a dataset has profit data, kept at ingest rather than scanned on every listing.
    """
    ALTER TABLE datasets ADD COLUMN has_cost BOOLEAN DEFAULT false;
    UPDATE datasets SET has_cost = EXISTS (
        SELECT 1 FROM transactions t WHERE t.dataset_id = datasets.dataset_id AND t.gross_profit IS NOT NULL
    );
    """,
    # 3: no primary-key index on the small catalog tables. DuckDB reports a write-write conflict
    # when a row with an indexed key is updated while other threads read, which failed uploads
    # under concurrent readers. Ids come from the sequence; a setting is replaced by delete+insert.
    """
    CREATE TABLE datasets_v3 (
        dataset_id INTEGER NOT NULL DEFAULT nextval('dataset_ids'),
        name VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp,
        source_file VARCHAR,
        rows BIGINT NOT NULL DEFAULT 0,
        customers BIGINT NOT NULL DEFAULT 0,
        date_min DATE,
        date_max DATE,
        file_hashes VARCHAR[] NOT NULL DEFAULT [],
        is_demo BOOLEAN NOT NULL DEFAULT false,
        version INTEGER NOT NULL DEFAULT 1,
        has_cost BOOLEAN NOT NULL DEFAULT false
    );
    INSERT INTO datasets_v3 SELECT dataset_id, name, created, source_file, rows, customers, date_min,
        date_max, file_hashes, is_demo, version, coalesce(has_cost, false) FROM datasets;
    DROP TABLE datasets;
    ALTER TABLE datasets_v3 RENAME TO datasets;
    CREATE TABLE settings_v3 (
        key VARCHAR NOT NULL,
        value JSON NOT NULL,
        updated TIMESTAMP NOT NULL DEFAULT current_timestamp
    );
    INSERT INTO settings_v3 SELECT key, value, updated FROM settings;
    DROP TABLE settings;
    ALTER TABLE settings_v3 RENAME TO settings;
    """,
    # 4: upload history and content keys. Each upload is a row of `uploads`; each transaction knows
    # its upload and carries a key, the hash of its normalized values (ingest.ROW_KEY_SQL), so an
    # append skips rows already stored and one upload can be rolled back. Rows a replace removed and
    # customer rows as they were before an upload touched them are kept for that rollback. Rows
    # stored before this migration belong to one upload per dataset. File hashes move to `uploads`.
    """
    CREATE SEQUENCE upload_ids START 1;
    CREATE TABLE uploads (
        upload_id INTEGER NOT NULL DEFAULT nextval('upload_ids'),
        dataset_id INTEGER NOT NULL,
        kind VARCHAR NOT NULL DEFAULT 'transactions',
        file_name VARCHAR,
        sheet VARCHAR,
        mode VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp,
        rows_inserted BIGINT NOT NULL DEFAULT 0,
        rows_rejected BIGINT NOT NULL DEFAULT 0,
        rows_skipped BIGINT NOT NULL DEFAULT 0,
        customers_merged BIGINT NOT NULL DEFAULT 0,
        file_hash VARCHAR,
        rolled_back TIMESTAMP
    );
    INSERT INTO uploads (dataset_id, file_name, mode, actor, created, rows_inserted, file_hash)
        SELECT dataset_id, source_file, 'new', CASE WHEN is_demo THEN 'demo' ELSE 'local' END, created, rows,
               file_hashes[1]
        FROM datasets ORDER BY dataset_id;
    ALTER TABLE transactions ADD COLUMN upload_id INTEGER;
    ALTER TABLE transactions ADD COLUMN row_key UBIGINT;
    UPDATE transactions SET
        upload_id = (SELECT min(u.upload_id) FROM uploads u WHERE u.dataset_id = transactions.dataset_id),
        row_key = hash(CAST(customer_id AS VARCHAR), CAST(order_date AS DATE), CAST(revenue AS DOUBLE),
            CAST(order_id AS VARCHAR), CAST(cost AS DOUBLE), CAST(gross_profit AS DOUBLE), CAST(quantity AS DOUBLE),
            CAST(product AS VARCHAR), CAST(channel AS VARCHAR), CAST(region AS VARCHAR), CAST(sales_rep AS VARCHAR));
    CREATE TABLE replaced_transactions AS
        SELECT CAST(NULL AS INTEGER) AS replaced_by, * FROM transactions LIMIT 0;
    CREATE TABLE customer_snapshots AS
        SELECT CAST(NULL AS INTEGER) AS upload_id, CAST(NULL AS BOOLEAN) AS existed, * FROM customers LIMIT 0;
    ALTER TABLE datasets DROP COLUMN file_hashes;
    """,
    # 5: sign-in and the audit trail (analytics/auth.py, users.py, audit.py). Built-in users with
    # argon2 hashes and their lockout state; identity-provider e-mails or domains mapped to roles;
    # one audit row per write, written in that write's transaction. No primary keys (see 3).
    """
    CREATE TABLE users (name VARCHAR NOT NULL, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp, failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TIMESTAMP);
    CREATE TABLE role_mappings (pattern VARCHAR NOT NULL, kind VARCHAR NOT NULL, role VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp, created_by VARCHAR NOT NULL);
    CREATE SEQUENCE audit_ids START 1;
    CREATE TABLE audit_log (audit_id INTEGER NOT NULL DEFAULT nextval('audit_ids'),
        created TIMESTAMP NOT NULL DEFAULT current_timestamp, actor VARCHAR NOT NULL, role VARCHAR NOT NULL,
        action VARCHAR NOT NULL, dataset_id INTEGER, dataset_name VARCHAR, details JSON NOT NULL);
    """,
    # 6: external sources (analytics/external.py): a dataset whose transactions are a table in another
    # engine, read there through Ibis. Where to reach it (no credentials: those stay in the driver's
    # environment), the column mapping as JSON, who added it, and when it was last counted.
    """
    CREATE TABLE sources (dataset_id INTEGER NOT NULL, backend VARCHAR NOT NULL, url VARCHAR NOT NULL,
        table_name VARCHAR NOT NULL, mapping JSON NOT NULL, created TIMESTAMP NOT NULL DEFAULT current_timestamp,
        created_by VARCHAR NOT NULL, refreshed TIMESTAMP);
    """,
)


# Offline and self-contained: nothing is fetched from an extension repository, ever.
