-- Deprecated name of int_dsa_own_initiative_grouped (moved to the intermediate layer); removed in the next release.
select * from {{ ref('int_dsa_own_initiative_grouped') }}
