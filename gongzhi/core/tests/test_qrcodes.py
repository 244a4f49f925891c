from gongzhi.core.qrcodes import qr_svg


def test_qr_code_is_an_svg_sized_by_its_container():
    svg = qr_svg("https://gongzhi.example.gov.cn/r/abc/")
    assert svg.startswith('<svg class="qr"') and 'viewBox="' in svg and "width=" not in svg.split(">")[0]
    assert "<path" in svg and "<?xml" not in svg
