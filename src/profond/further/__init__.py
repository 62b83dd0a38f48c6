"""profond.further"""
