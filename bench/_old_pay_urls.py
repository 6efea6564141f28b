"""URLconf of bench/pay_submit.py: the product's URLs plus today's pay view under /bench-old/pay/."""

import _old_pay_flow
from django.urls import path

from portal.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench-old/pay/", _old_pay_flow.pay, name="bench_old_pay"), *product_urlpatterns]
