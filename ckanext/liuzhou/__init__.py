"""ckanext-liuzhou: 柳州市数据共享交换平台 on CKAN."""
