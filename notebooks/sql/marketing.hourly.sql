-- GMV, orders, coupon cost and new and returning buyers per campaign and hour.
SELECT campaign_id, campaign_name, channel, order_hour, orders, gmv, coupon_cost, buyers, new_buyers,
       returning_buyers
FROM {{ads.marketing_hourly}}
ORDER BY order_hour, campaign_id
