-- Rows of every table of the warehouse, layer by layer.
SELECT 'raw' AS layer, 'orders' AS table_name, count(*) AS row_count FROM {{raw.orders}}
UNION ALL SELECT 'raw', 'order_items', count(*) FROM {{raw.order_items}}
UNION ALL SELECT 'raw', 'payments', count(*) FROM {{raw.payments}}
UNION ALL SELECT 'raw', 'shipments', count(*) FROM {{raw.shipments}}
UNION ALL SELECT 'raw', 'page_views', count(*) FROM {{raw.page_views}}
UNION ALL SELECT 'ods', 'orders', count(*) FROM {{ods.orders}}
UNION ALL SELECT 'ods', 'order_items', count(*) FROM {{ods.order_items}}
UNION ALL SELECT 'ods', 'payments', count(*) FROM {{ods.payments}}
UNION ALL SELECT 'ods', 'shipments', count(*) FROM {{ods.shipments}}
UNION ALL SELECT 'ods', 'page_views', count(*) FROM {{ods.page_views}}
UNION ALL SELECT 'dwd', 'order_detail', count(*) FROM {{dwd.order_detail}}
UNION ALL SELECT 'dwd', 'sessions', count(*) FROM {{dwd.sessions}}
UNION ALL SELECT 'dws', 'trade_hourly', count(*) FROM {{dws.trade_hourly}}
UNION ALL SELECT 'dws', 'user_daily', count(*) FROM {{dws.user_daily}}
UNION ALL SELECT 'dws', 'traffic_hourly', count(*) FROM {{dws.traffic_hourly}}
UNION ALL SELECT 'ads', 'marketing_hourly', count(*) FROM {{ads.marketing_hourly}}
UNION ALL SELECT 'ads', 'traffic_hourly', count(*) FROM {{ads.traffic_hourly}}
UNION ALL SELECT 'ads', 'logistics_daily', count(*) FROM {{ads.logistics_daily}}
UNION ALL SELECT 'ads', 'risk_flags', count(*) FROM {{ads.risk_flags}}
UNION ALL SELECT 'ads', 'kpi_hourly', count(*) FROM {{ads.kpi_hourly}}
