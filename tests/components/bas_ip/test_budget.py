"""The door-read budget: token renewals are paid back with door reads left out."""

from __future__ import annotations

from custom_components.bas_ip.budget import MAX_DOOR_READS_OWED, DoorReadBudget


def test_first_refresh_reads_and_counts_nothing() -> None:
    """Set-up's sign-ins are not owed."""
    budget = DoorReadBudget()
    assert budget.skip_read(5, have_reading=True) is False
    assert budget.owed == 0


def test_each_authentication_request_is_paid_by_one_skipped_read() -> None:
    """Three requests of a renewal: the next three door reads are left out, then reads resume."""
    budget = DoorReadBudget()
    budget.skip_read(2, have_reading=True)
    decisions = [budget.skip_read(5, have_reading=True) for _ in range(4)]
    assert decisions == [True, True, True, False]


def test_nothing_is_skipped_without_a_reading_to_carry_over() -> None:
    """No good reading (none yet, or the last failed): the door is read, the debt waits."""
    budget = DoorReadBudget()
    budget.skip_read(0, have_reading=False)
    assert budget.skip_read(3, have_reading=False) is False
    assert budget.owed == 3
    assert budget.skip_read(3, have_reading=True) is True
    assert budget.owed == 2


def test_the_debt_is_bounded() -> None:
    """However many renewals, at most MAX_DOOR_READS_OWED reads in a row are left out."""
    budget = DoorReadBudget()
    budget.skip_read(0, have_reading=True)
    skipped = 0
    auth = 100
    while budget.skip_read(auth, have_reading=True):
        skipped += 1
    assert skipped == MAX_DOOR_READS_OWED
