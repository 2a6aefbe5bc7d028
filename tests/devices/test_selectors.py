"""device_list's search: part of a serial, or a MAC in any notation the import accepts."""

import pytest

from devices.mac import mac_fragments, normalize_mac
from devices.selectors import device_list
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def devices(partner_it):
    account = factories.AccountFactory(partner=partner_it)
    return {
        "ex5": factories.DeviceFactory(account=account, serial="WFITEX00005", mac="00:09:45:7F:FF:05"),
        "ex4": factories.DeviceFactory(account=account, serial="WFITEX00004", mac="00:09:45:7F:FF:04"),
        "other": factories.DeviceFactory(account=account, serial="VS0000001", mac="9C:75:14:DE:AD:01"),
        "no_mac": factories.DeviceFactory(account=account, serial="HM0000001", mac=None),
    }


def serials(partner, search):
    return sorted(device_list(partner=partner, search=search).values_list("serial", flat=True))


@pytest.mark.parametrize("search", ["0009457FFF05", "0009457fff05", "00-09-45-7f-ff-05", "00-09-45-7F-FF-05",
                                    "00:09:45:7F:FF:05", "00:09:45:7f:ff:05", " 00:09:45:7f:ff:05 "])
def test_a_whole_mac_in_any_notation_finds_its_device_only(partner_it, devices, search):
    assert serials(partner_it, search.strip()) == ["WFITEX00005"]


@pytest.mark.parametrize("search", ["7FFF05", "7f-ff-05", "7F:FF:05", "FF05", "F:05", "57FFF05", "9457FFF05"])
def test_part_of_a_mac_in_any_notation_finds_its_device(partner_it, devices, search):
    assert serials(partner_it, search) == ["WFITEX00005"]


def test_a_shared_mac_prefix_finds_every_device_with_it(partner_it, devices):
    assert serials(partner_it, "0009457FFF") == ["WFITEX00004", "WFITEX00005"]
    assert serials(partner_it, "00-09-45") == ["WFITEX00004", "WFITEX00005"]


def test_serial_search_is_unchanged(partner_it, devices):
    assert serials(partner_it, "wfitex") == ["WFITEX00004", "WFITEX00005"]
    assert serials(partner_it, "HM000") == ["HM0000001"]
    assert serials(partner_it, "zz:zz") == []


def test_another_partners_device_is_not_found_by_its_mac(partner_it, partner_uk):
    factories.DeviceFactory(account=factories.AccountFactory(partner=partner_uk), serial="UK-1",
                            mac="00:09:45:7F:FF:05")
    assert serials(partner_it, "0009457FFF05") == []


def test_one_normaliser_for_import_and_search():
    assert normalize_mac("00-09-45-7f-ff-05") == normalize_mac("0009457FFF05") == "00:09:45:7F:FF:05"
    assert mac_fragments("0009457fff05") == ["00:09:45:7F:FF:05"]
    assert mac_fragments("WF-IT") == [] and mac_fragments("") == [] and mac_fragments("0009457FFF0512") == []
