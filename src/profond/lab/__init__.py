"""profond.lab"""
