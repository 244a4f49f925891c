from gongzhi.places.selectors import natural_key


def test_natural_order_of_building_and_unit_numbers():
    numbers = ["10号楼", "2号楼", "1号楼", "11号楼", "3单元402", "3单元1001", "A座"]
    assert sorted(numbers, key=natural_key) == ["1号楼", "2号楼", "3单元402", "3单元1001", "10号楼", "11号楼", "A座"]
    assert sorted(["1001", "902", "101"], key=natural_key) == ["101", "902", "1001"]
