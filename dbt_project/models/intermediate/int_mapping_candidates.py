"""Up to three catalog ids proposed for every published name without a reviewed mapping (planwatch.matching:
name similarity, unit kind, domain words), each with its score and reason. A dbt Python model, so that the
proposals are in the lineage, the docs and the tests like every other model."""


def model(dbt, session):
    dbt.config(materialized="table")
    from planwatch.matching import candidate_rows

    return candidate_rows(
        dbt.ref("int_unmapped_names").df(), dbt.ref("int_indicator_catalog").df(), dbt.ref("int_indicator_aliases").df()
    )
