"""Device errors keep the codes and statuses the pages and the API show."""

from devices.exceptions import DeviceErrorCode, DevicesUnavailable


def test_devices_unavailable_carries_its_code_status_and_sorted_serials():
    error = DevicesUnavailable(["SN-2", "SN-1"])
    assert (error.code, error.status_code, error.extra) == ("devices_unavailable", 409, {"devices": ["SN-1", "SN-2"]})
    assert {code.value for code in DeviceErrorCode} == {"devices_unavailable"}
