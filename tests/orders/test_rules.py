"""orders.rules from raw inputs: what may fill an unselected line (DOMAIN.md, Confirm Order) and who may receive HWaaS.

No database: lines, picks and PBXs are plain values, as the wizard, the preview and the confirmation pass them.
"""

from accounts.models import Pbx
from orders.rules import (
    PickedDevice,
    UnselectedLine,
    cannot_receive_hwaas,
    fills_by_kind,
    pbx_needed,
    pick_problem,
    picks_allocate,
    picks_fitting,
    receiving_pbx_problems,
)

BIANCHI, ROSSI, VERDI = 10, 20, 30  # account ids: Bianchi SpA receives, Rossi and Verdi give
WORKFORCE, VISION = 1, 2  # product ids


def line(line_id, *, product=WORKFORCE, ownership="hwaas", quantity=1):
    name = {WORKFORCE: "WorkForce", VISION: "Vision"}[product]
    return UnselectedLine(line_id=line_id, product_id=product, product_name=name, ownership=ownership,
                          quantity=quantity)


def device(device_id, *, product=WORKFORCE, ownership="hwaas", holder=ROSSI, moved=False):
    name = {WORKFORCE: "WorkForce", VISION: "Vision"}[product]
    return PickedDevice(device_id=device_id, serial=f"SN-{device_id}", product_id=product, product_name=name,
                        ownership=ownership, holder_id=holder, moved_by_another_order=moved)


def allocate(unselected, picked):
    return picks_allocate(receiving_account_id=BIANCHI, receiving_account_name="Bianchi SpA",
                          unselected=unselected, picked=picked)


def codes(allocation):
    return [p.code.value for p in allocation.problems]


# --- what may fill an unselected line -------------------------------------------------------------------------


def test_a_valid_mix_fills_each_line_up_to_its_quantity_in_id_order():
    # given a WorkForce HWaaS need split over two lines (2 + 1), a WorkForce CAPEX line and a Vision HWaaS line
    unselected = [line(7, quantity=1), line(5, quantity=2), line(6, ownership="capex"), line(8, product=VISION)]
    # and, picked in any order, three WorkForce HWaaS from Rossi and Verdi, one CAPEX, one Vision
    picked = [device(103, holder=VERDI), device(101), device(104, ownership="capex"), device(102),
              device(105, product=VISION, holder=VERDI)]
    # when allocated
    allocation = allocate(unselected, picked)
    # then nothing is refused; devices in id order fill lines in id order, each line within its quantity
    assert allocation.problems == []
    assert allocation.line_of_device == {101: 5, 102: 5, 103: 7, 104: 6, 105: 8}
    assert allocation.picked_per_line == {5: 2, 7: 1, 6: 1, 8: 1}


def test_fewer_picks_than_unselected_is_allowed_and_nothing_picked_is_allowed():
    assert allocate([line(5, quantity=4)], [device(101)]).line_of_device == {101: 5}
    assert allocate([line(5, quantity=4)], []).line_of_device == {}
    assert allocate([], []).problems == []


def test_a_product_of_no_unselected_line_is_refused():
    # given only a WorkForce line is unselected, and a Vision device is picked
    allocation = allocate([line(5, quantity=4)], [device(101, product=VISION)])
    # then it is refused, naming the product and the device
    (problem,) = allocation.problems
    assert problem.code.value == "product_not_unselected" and "Vision" in problem.message
    assert problem.extra == {"product": VISION, "devices": ["SN-101"]}
    assert allocation.line_of_device == {}


def test_a_device_of_the_other_ownership_is_refused():
    # given the WorkForce line is HWaaS and a WorkForce CAPEX device is picked (and the other way round)
    (problem,) = allocate([line(5)], [device(101, ownership="capex")]).problems
    assert problem.code.value == "ownership_mismatch" and "SN-101" in problem.message
    assert problem.extra == {"product": WORKFORCE, "ownership": "capex", "devices": ["SN-101"]}
    (problem,) = allocate([line(6, ownership="capex")], [device(101)]).problems
    assert problem.code.value == "ownership_mismatch"


def test_more_picks_than_the_unselected_quantity_per_product_and_ownership_are_refused():
    # given 2 WorkForce HWaaS unselected over two lines, and 1 WorkForce CAPEX
    unselected = [line(5), line(7), line(6, ownership="capex")]
    # when three HWaaS WorkForce are picked (the CAPEX line's room does not count for them)
    allocation = allocate(unselected, [device(101), device(102), device(103)])
    # then too many: 3 picked, 2 unselected
    (problem,) = allocation.problems
    assert problem.code.value == "too_many_devices"
    assert problem.extra == {"product": WORKFORCE, "ownership": "hwaas", "picked": 3, "unselected": 2}
    assert "Only 2 WorkForce unselected" in problem.message


def test_a_device_held_by_the_receiving_account_is_refused():
    (problem,) = allocate([line(5)], [device(101, holder=BIANCHI)]).problems
    assert problem.code.value == "device_held_by_receiving_account"
    assert problem.message == "SN-101 is already held by Bianchi SpA, the receiving account."


def test_a_device_in_partner_stock_is_refused():
    (problem,) = allocate([line(5)], [device(101, holder=None)]).problems
    assert problem.code.value == "device_in_stock" and "SN-101" in problem.message


def test_a_device_already_moved_by_another_confirmed_order_is_refused_as_unavailable():
    (problem,) = allocate([line(5, quantity=2)], [device(101), device(102, moved=True)]).problems
    assert problem.code.value == "devices_unavailable" and problem.extra == {"devices": ["SN-102"]}
    # and over the API that is a 409, the others a 400, each with its code
    error = problem.error()
    assert (error.status_code, error.code, error.extra) == (409, "devices_unavailable", {"devices": ["SN-102"]})
    error = allocate([line(5)], [device(101, holder=None)]).problems[0].error()
    assert (error.status_code, error.code, error.extra) == (400, "device_in_stock", {"devices": ["SN-101"]})


def test_every_problem_is_reported_devices_first_then_per_product_then_moved():
    # given a stock device, a receiving account's device, a Vision device and a moved one, one WorkForce line
    picked = [device(104, moved=True), device(103, product=VISION), device(102, holder=BIANCHI),
              device(101, holder=None)]
    # then each is named, in a fixed order (the first is the one the confirmation answers)
    assert codes(allocate([line(5, quantity=4)], picked)) == [
        "device_in_stock", "device_held_by_receiving_account", "product_not_unselected", "devices_unavailable",
    ]


# --- the wizard: one pick at a time, asking about picked + [device] ---------------------------------------------


def pick(unselected, picked, candidate):
    return pick_problem(receiving_account_id=BIANCHI, receiving_account_name="Bianchi SpA",
                        unselected=unselected, picked=picked, device=candidate)


def test_one_pick_is_judged_with_the_picks_already_made():
    unselected = [line(5, quantity=2)]
    # given two WorkForce already picked, a third is too many; with one picked it fits
    assert pick(unselected, [device(101), device(102)], device(103)).code.value == "too_many_devices"
    assert pick(unselected, [device(101)], device(103)) is None
    # and picking one already picked again is not counted twice
    assert pick(unselected, [device(101), device(102)], device(102)) is None


def test_one_pick_is_not_refused_for_an_older_pick_gone_stale():
    # given an older pick that another order has moved meanwhile (reported when screen 2 is saved)
    picked = [device(101, moved=True)]
    # then a new, valid pick is accepted, and a new moved one is refused
    assert pick([line(5, quantity=3)], picked, device(102)) is None
    assert pick([line(5, quantity=3)], picked, device(103, moved=True)).code.value == "devices_unavailable"


def test_selecting_a_line_again_keeps_only_the_picks_that_still_fit_in_picking_order():
    picked = [device(103), device(101), device(104, ownership="capex"), device(102)]
    # given only one WorkForce HWaaS remains unselected and no CAPEX line
    assert picks_fitting(unselected=[line(5)], picked=picked) == [103]
    assert picks_fitting(unselected=[line(5, quantity=2), line(6, ownership="capex")], picked=picked) == [
        103, 101, 104
    ]


def test_the_running_count_is_per_product_and_ownership():
    unselected = [line(5, quantity=2), line(7, quantity=2), line(6, ownership="capex")]
    picked = [device(101), device(102), device(103), device(104, product=VISION)]
    fills = {(f.product_name, f.ownership): (f.picked, f.quantity) for f in fills_by_kind(unselected=unselected,
                                                                                           picked=picked)}
    assert fills == {("WorkForce", "hwaas"): (3, 4), ("WorkForce", "capex"): (0, 1)}


# --- who may receive HWaaS devices ------------------------------------------------------------------------------


RECEIVING = Pbx(pk=50, serial="PBX-BIANCHI", account_id=BIANCHI, cycle="1m", has_active_subscriptions=True)


def pbx_problems(pbx, *, receiving=RECEIVING, needs_pbx=True):
    return [(p.code.value, p.message) for p in receiving_pbx_problems(
        account_id=BIANCHI, account_name="Bianchi SpA", pbx=pbx, receiving=receiving, needs_pbx=needs_pbx)]


def test_anything_hwaas_needs_the_receiving_pbx_capex_alone_does_not():
    assert pbx_needed(ownerships=["capex", "hwaas"]) is True
    assert pbx_needed(ownerships=["capex"]) is False
    assert pbx_needed(ownerships=[]) is False


def test_an_account_without_a_receiving_pbx_cannot_receive_hwaas_and_is_told_why():
    assert pbx_problems(None, receiving=None) == [(
        "no_eligible_pbx",
        "Bianchi SpA has no PBX with active subscriptions on a 1m, 1y or 5y cycle, so it cannot receive HWaaS devices.",
    )]
    assert cannot_receive_hwaas(account_name="Bianchi SpA", receiving=None, needs_pbx=False) is None
    assert pbx_problems(None, receiving=None, needs_pbx=False) == []


def test_the_receiving_pbx_must_be_chosen_and_must_be_that_one():
    assert pbx_problems(RECEIVING) == []
    assert [code for code, _ in pbx_problems(None)] == ["pbx_required"]
    # a PBX of another account, or an old PBX of the account that is not the receiving one
    elsewhere = Pbx(pk=60, serial="PBX-ROSSI", account_id=ROSSI, cycle="1y", has_active_subscriptions=True)
    assert pbx_problems(elsewhere) == [("pbx_not_receiving", "PBX PBX-ROSSI does not belong to Bianchi SpA.")]
    old = Pbx(pk=51, serial="PBX-OLD", account_id=BIANCHI, cycle="1y", has_active_subscriptions=False)
    assert [code for code, _ in pbx_problems(old)] == ["pbx_not_receiving"]
    assert [code for code, _ in pbx_problems(old, receiving=None, needs_pbx=False)] == ["pbx_not_receiving"]
