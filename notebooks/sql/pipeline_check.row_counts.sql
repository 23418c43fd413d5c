-- Rows of every table of the warehouse, layer by layer.
SELECT 'raw' AS layer, 'orders' AS table_name, count(*) AS row_count FROM `delta:raw.orders`
UNION ALL SELECT 'raw', 'order_items', count(*) FROM `delta:raw.order_items`
UNION ALL SELECT 'raw', 'payments', count(*) FROM `delta:raw.payments`
UNION ALL SELECT 'raw', 'shipments', count(*) FROM `delta:raw.shipments`
UNION ALL SELECT 'raw', 'page_views', count(*) FROM `delta:raw.page_views`
UNION ALL SELECT 'ods', 'orders', count(*) FROM `delta:ods.orders`
UNION ALL SELECT 'ods', 'order_items', count(*) FROM `delta:ods.order_items`
UNION ALL SELECT 'ods', 'payments', count(*) FROM `delta:ods.payments`
UNION ALL SELECT 'ods', 'shipments', count(*) FROM `delta:ods.shipments`
UNION ALL SELECT 'ods', 'page_views', count(*) FROM `delta:ods.page_views`
UNION ALL SELECT 'dwd', 'order_detail', count(*) FROM `hudi:dwd.order_detail`
UNION ALL SELECT 'dwd', 'sessions', count(*) FROM `delta:dwd.sessions`
UNION ALL SELECT 'dws', 'trade_hourly', count(*) FROM `iceberg:dws.trade_hourly`
UNION ALL SELECT 'dws', 'user_daily', count(*) FROM `iceberg:dws.user_daily`
UNION ALL SELECT 'dws', 'traffic_hourly', count(*) FROM `iceberg:dws.traffic_hourly`
UNION ALL SELECT 'ads', 'marketing_hourly', count(*) FROM `iceberg:ads.marketing_hourly`
UNION ALL SELECT 'ads', 'traffic_hourly', count(*) FROM `iceberg:ads.traffic_hourly`
UNION ALL SELECT 'ads', 'logistics_daily', count(*) FROM `delta:ads.logistics_daily`
UNION ALL SELECT 'ads', 'risk_flags', count(*) FROM `delta:ads.risk_flags`
UNION ALL SELECT 'ads', 'kpi_hourly', count(*) FROM `iceberg:ads.kpi_hourly`
