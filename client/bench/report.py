"""The benchmark's printed table."""

from __future__ import annotations

from typing import Any


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def step_rows(shape: dict[str, Any]) -> list[str]:
    rows = []
    for s in shape["steps"] + shape.get("design_attempts", []):
        label = (
            s["server"]
            + (" (design)" if s.get("design_load") else "")
            + (" (again)" if s.get("attempt", 1) > 1 else "")
        )
        rows.append(
            f"| {shape['boards']}x{shape['people']} | {label} | {s['offered']:.0f} | "
            f"{s['achieved_ops_s']:.0f} | {s['delivered_msgs_s']:.0f} | "
            f"{_ms(s['ack_ms']['p50'])} / {_ms(s['ack_ms']['p95'])} / {_ms(s['ack_ms']['p99'])}"
            f" / {_ms(s['ack_ms']['max'])} | "
            f"{_ms(s['fanout_ms']['p50'])} / {_ms(s['fanout_ms']['p99'])} / "
            f"{_ms(s['fanout_ms']['max'])} | {s['errors']} | "
            f"{s.get('server_cpu_util', '-')} | {s.get('server_cpu_us_per_op', '-')} | "
            f"{s.get('server_rss_mb', '-')} | {s['generator_cpu_util']} | "
            f"{s.get('machine_cpu_pressure', '-')} | {'yes' if s['passed'] else 'no'} |"
        )
    return rows


def print_table(results: dict[str, Any]) -> None:
    print()
    print(
        "| shape | server | offered ops/s | acked ops/s | msgs/s delivered | "
        "ack p50 / p95 / p99 / max ms | fan-out p50 / p99 / max ms | errors | server CPU | "
        "CPU us/op | RSS MB | generator CPU | CPU pressure % | p99 < 50 ms |"
    )
    print(
        "| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- |"
    )
    for shape in results["shapes"]:
        for row in step_rows(shape):
            print(row)
    print()
    print(
        "| shape | connections | floor capacity | Hindsight capacity | ratio | CPU/op ratio | "
        "KB/connection floor | KB/connection Hindsight | design load | ack p50 / p99 at design |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for s in results["shapes"]:
        d = s.get("design")
        print(
            f"| {s['boards']}x{s['people']} | {s['connections']} | "
            f"{s.get('floor_capacity') or '-'} | {s['hindsight_capacity']} | "
            f"{s.get('ratio', '-')} | {s.get('cpu_per_op_ratio') or '-'} | "
            f"{s.get('floor_kb_per_connection', '-')} | "
            f"{s.get('hindsight_kb_per_connection', '-')} | "
            f"{d['offered'] if d else '-'} | "
            f"{_ms(d['ack_ms']['p50']) if d else '-'} / {_ms(d['ack_ms']['p99']) if d else '-'} |"
        )
    print()
