"""The real channels beside the sandboxes: SMS through Tencent Cloud (``tencent``) or
Alibaba Cloud (``aliyun``), email through an SMTP server (``smtp``).

Each module registers its plugin when the messaging app is ready. The SMS providers are
reached over HTTPS with their documented request signatures (hmac and hashlib, no SDK: the
providers' SDKs pull in requests, aiohttp and a scheduler for one signed POST).
"""
