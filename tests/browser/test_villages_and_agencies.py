import json
import time
from dataclasses import asdict


def test_hold(connected_platform):
    info = {"url": connected_platform.url, "paynet": connected_platform.paynet.url,
            "gateway": connected_platform.gateway.url, "polri": connected_platform.polri.url,
            "korlantas": connected_platform.korlantas.url, "log": str(connected_platform.notifier_log)}
    open("/tmp/connected.json", "w").write(json.dumps(info))
    time.sleep(3000)
