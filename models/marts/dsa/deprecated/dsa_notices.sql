-- Deprecated name of int_dsa_notices (moved to the intermediate layer); removed in the next release.
select * from {{ ref('int_dsa_notices') }}
