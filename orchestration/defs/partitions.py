"""Extracts are partitioned by agency x quarter; both dimensions grow as uploads arrive."""

import dagster as dg

agency_partitions = dg.DynamicPartitionsDefinition(name="agency")
quarter_partitions = dg.DynamicPartitionsDefinition(name="quarter")
extract_partitions = dg.MultiPartitionsDefinition({"agency": agency_partitions, "quarter": quarter_partitions})


def partition_key(agency: str, quarter: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"agency": agency, "quarter": quarter})


def add_partitions(instance: dg.DagsterInstance, pairs: list[tuple[str, str]]) -> None:
    agencies = sorted({a for a, _ in pairs} - set(instance.get_dynamic_partitions("agency")))
    quarters = sorted({q for _, q in pairs} - set(instance.get_dynamic_partitions("quarter")))
    if agencies:
        instance.add_dynamic_partitions("agency", agencies)
    if quarters:
        instance.add_dynamic_partitions("quarter", quarters)
